using Microsoft.Playwright;

namespace FedN.Dashboard.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its own browser downloads cannot run here).
/// <c>FEDN_CHROMIUM</c> names another executable.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private static readonly string[] Flags =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("FEDN_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(executable), $"Chromium is not at {executable}: install Debian's chromium (scripts/test.sh does) or set FEDN_CHROMIUM");
        var playwright = await Playwright.CreateAsync();
        try
        {
            return new Browser(playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true, Args = Flags }));
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page at laptop size that fails the test on any script error it reports.</summary>
    public async Task<IPage> NewPageAsync(List<string> scriptErrors)
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        page.PageError += (_, error) => scriptErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                scriptErrors.Add(message.Text);
            }
        };
        return page;
    }

    /// <summary>Where screenshots go: artifacts/dashboard at the repository's root.</summary>
    public static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(FedN.Testing.RepositoryRoot.Path, "artifacts", "dashboard");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
