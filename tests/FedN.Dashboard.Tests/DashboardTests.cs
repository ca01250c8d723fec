using FedN.Client;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Examples.Mnist;
using FedN.Testing;
using Microsoft.Playwright;

namespace FedN.Dashboard.Tests;

/// <summary>The dashboard in a real browser against a real local server, with real clients training on MNIST.</summary>
public sealed class DashboardTests
{
    private static readonly TimeSpan FederationTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_federation_is_followed_live_from_the_overview_to_round_2()
    {
        await using var server = await RunningServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        List<string> scriptErrors = [];
        var page = await browser.NewPageAsync(scriptErrors);
        await SignInAsync(page, server, server.AdminToken);
        await Expect(page.Locator("#sessions")).ToContainTextAsync("No session yet");

        // The federation starts after the page has loaded: the session appears through the live stream.
        var federation = MnistDemo.RunAsync(new MnistDemoOptions
        {
            DataPath = MnistDataset.DefaultPath,
            Clients = 3,
            Rounds = 2,
            Server = server.BaseUri,
            AdminToken = server.AdminToken,
            Training = new MnistTrainingOptions { Epochs = 1 },
            UpdateNormBound = 100, // far above any honest update: a defence to show, not one that bites
        });
        var sessionLink = page.Locator("#sessions-table a");
        await sessionLink.WaitForAsync(new() { Timeout = Milliseconds(FederationTimeout) });
        await sessionLink.ClickAsync();

        await Expect(page.Locator("#validation-chart")).ToHaveAttributeAsync("data-points", "2", new() { Timeout = Milliseconds(FederationTimeout) });
        var summary = await federation.WaitAsync(FederationTimeout);
        Assert.Equal(SessionStatus.Completed, summary.Status);
        await Expect(page.Locator("#session-status")).ToHaveTextAsync("completed", new() { Timeout = 10_000 });

        // The chart draws what the API says: one point per round, with the rounds' accuracies.
        var accuracies = await page.Locator("#validation-chart tbody tr td").AllTextContentsAsync();
        Assert.Equal(summary.Rounds.Select(round => round.Accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)), accuracies);
        Assert.True(await page.Locator("#validation-chart canvas").CountAsync() > 0, "uPlot drew no canvas");
        await Expect(page.Locator("#training-chart")).ToHaveAttributeAsync("data-points", "2");

        // The traffic chart: each round's MiB down and up and the running total, as the rounds record them.
        await Expect(page.Locator("#traffic-chart")).ToHaveAttributeAsync("data-points", "2");
        static string MiB(double bytes) => (bytes / 1048576).ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
        var total = 0L;
        var expected = summary.Rounds.SelectMany(round => new[] { MiB(round.BytesDown), MiB(round.BytesUp), MiB(total += round.BytesDown + round.BytesUp) });
        Assert.Equal(expected, await page.Locator("#traffic-chart tbody tr td").AllTextContentsAsync());
        Assert.All(summary.Rounds, round => Assert.True(round.BytesDown > 0 && round.BytesUp > 0, $"round {round.Round} moved nothing"));
        await Expect(page.Locator("#session-traffic")).ToContainTextAsync(" MiB down, ");

        // The configuration names the method from the server's registry and the defences the session used.
        await Expect(page.Locator("#config dd[data-fact='method']")).ToContainTextAsync("example-weighted mean of the updates");
        await Expect(page.Locator("#config dd[data-fact='defences']")).ToHaveTextAsync("norm bound 100 (clip)");

        // Every client is listed; each validated both rounds; the trail is seed + 2 models; 2 rounds on the timeline.
        string[] clients = ["mnist-1", "mnist-2", "mnist-3"];
        Assert.Equal(clients, (await page.Locator("#clients-table tbody th").AllTextContentsAsync()).Order());
        Assert.Equal(clients, (await page.Locator("#validation-heatmap tbody th").AllTextContentsAsync()).Order());
        Assert.Equal(6, await page.Locator("#validation-heatmap tbody td:not(.missing)").CountAsync());
        Assert.Equal(3, await page.Locator("#trail-table tbody tr").CountAsync());
        Assert.Equal(2, await page.Locator("#round-timeline tbody tr").CountAsync());
        Assert.Equal(2, await page.Locator("#round-timeline svg rect.training").CountAsync());
        Assert.Equal(2, await page.Locator("#round-timeline svg polyline.arrivals").CountAsync()); // the combiners' arrival curves
        Assert.True(await page.Locator("#shards-table tbody tr").CountAsync() >= 2);
        await Expect(page.Locator("#events-table")).ToContainTextAsync("round.committed");

        await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        await page.GotoAsync(new Uri(server.BaseUri, "dashboard/#/").ToString());
        await Expect(page.Locator("#sessions-table")).ToBeVisibleAsync();
        await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        await page.GoBackAsync();
        await Expect(page.Locator("#validation-chart")).ToHaveAttributeAsync("data-points", "2");

        var screenshot = Browser.ScreenshotPath("session.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot at {screenshot} is empty");
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task An_admin_starts_and_stops_a_session_from_its_page()
    {
        await using var server = await RunningServer.StartAsync();
        using var api = new FedNApiClient(server.BaseUri, server.AdminToken);
        using var seed = new MemoryStream();
        await Mlp.Create(1).SaveAsync(seed);
        seed.Position = 0;
        var model = await api.UploadModelAsync(seed, "seed");
        // No client will come: the round waits for one, so the session is still running when it is stopped.
        var session = await api.CreateSessionAsync(new CreateSessionRequest { Id = "waiting", SeedModelId = model.Id, Config = new SessionConfig { Rounds = 3, MinClients = 1 } });
        await using var browser = await Browser.LaunchAsync();
        List<string> scriptErrors = [];
        var page = await browser.NewPageAsync(scriptErrors);

        // Signed in from a link: the token is in the fragment, which the page takes and removes from the address.
        var token = server.AdminToken;
        await page.GotoAsync(new Uri(server.BaseUri, $"dashboard/#token={token}").ToString());
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("live", new() { Timeout = 10_000 });
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);
        await page.Locator("#sessions-table a", new() { HasText = "waiting" }).ClickAsync();
        await Expect(page.Locator("#session-status")).ToHaveTextAsync("created");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start session waiting" }).ClickAsync();
        await Expect(page.Locator("#session-status")).ToHaveTextAsync("running", new() { Timeout = 20_000 });
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop session waiting" }).ClickAsync();
        await Expect(page.Locator("#session-status")).ToHaveTextAsync("stopped", new() { Timeout = 20_000 });

        Assert.Equal(SessionStatus.Stopped, (await api.GetSessionAsync(session.Id)).Status);
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task The_overview_lists_the_server_nodes_of_a_deployment_alive_or_gone_and_a_single_server_shows_none()
    {
        await using var server = await RunningServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        List<string> scriptErrors = [];
        var page = await browser.NewPageAsync(scriptErrors);
        await SignInAsync(page, server, server.AdminToken);
        await Expect(page.Locator("#clients")).ToBeVisibleAsync();
        await Expect(page.Locator("#nodes")).ToHaveCountAsync(0);

        // Two nodes as a deployment records them: one that said it was alive just now, one silent for a minute.
        var now = DateTimeOffset.UtcNow;
        await server.Metadata.Nodes.RecordAliveAsync(new NodeRecord { Id = "node-a", Address = new Uri("http://10.0.0.1:7071/"), StartedAt = now.AddHours(-1), LastSeen = now });
        await server.Metadata.Nodes.RecordAliveAsync(new NodeRecord { Id = "node-b", Address = new Uri("http://10.0.0.2:7071/"), StartedAt = now.AddHours(-1), LastSeen = now.AddMinutes(-1) });
        await page.ReloadAsync();

        await Expect(page.Locator("#nodes-table tbody tr")).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        Assert.Equal(["node-a", "node-b"], await page.Locator("#nodes-table tbody th").AllTextContentsAsync());
        Assert.Equal(["alive", "gone"], await page.Locator("#nodes-table tbody .badge").AllTextContentsAsync());
        await Expect(page.Locator("#nodes")).ToContainTextAsync("1 of 2 alive");
        await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_at_sign_in_and_the_page_is_served_locked_down()
    {
        await using var server = await RunningServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        List<string> scriptErrors = [];
        var page = await browser.NewPageAsync(scriptErrors);

        var response = await page.GotoAsync(new Uri(server.BaseUri, "dashboard").ToString());
        Assert.NotNull(response);
        Assert.EndsWith("/dashboard/", page.Url, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers["x-frame-options"]);
        await page.Locator("#token").FillAsync(server.ClientToken("site-1"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("The token was refused");
        await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        await Expect(page.Locator("#sessions")).ToHaveCountAsync(0);
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(server.BaseUri, "dashboard/assets/missing.js"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(server.BaseUri, "dashboard/..%2F..%2Fauth-signing.key"))).StatusCode);
    }

    [Fact]
    public async Task A_long_session_of_other_metrics_is_charted_from_a_deep_link_fits_its_panels_and_shows_its_warnings()
    {
        await using var server = await RunningServer.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "long", SeedModelId = "seed", Config = new SessionConfig { Rounds = 30 }, CreatedAt = start });
        await server.Metadata.Sessions.UpdateAsync("long", session => session with { Status = SessionStatus.Completed, CompletedRounds = 30 });
        string[] clients = ["site-a", "site-b", "site-c"];
        for (var round = 1; round <= 30; round++)
        {
            // A regression trainer's metrics, in a narrow band: tick labels of 3 decimals would all read 0.012.
            var error = 0.0125 - (round * 0.00001);
            await server.Metadata.Rounds.CreateAsync(new RoundRecord
            {
                SessionId = "long",
                Round = round,
                Status = RoundStatus.Committed,
                InputModelId = "seed",
                StartedAt = start.AddMinutes(round),
                EndedAt = start.AddMinutes(round).AddSeconds(20),
                UpdatesAggregated = 3,
                TrainingMetrics = new Dictionary<string, double> { ["mse"] = error * 2, ["loss"] = error * 3 },
                ValidationMetrics = new Dictionary<string, double> { ["meanAbsoluteError"] = error, ["r2"] = 1 - error },
                Warning = round == 17 ? "most updates were refused: 2 of 3 clients that answered sent an update the session could not use" : null,
            });
            foreach (var client in clients)
            {
                await server.Metadata.Validations.CreateAsync(new ValidationRecord { SessionId = "long", Round = round, ClientId = client, ModelId = $"long-round-{round}", NumExamples = 10, Metrics = new Dictionary<string, double> { ["meanAbsoluteError"] = error, ["r2"] = 1 - error } });
            }
        }

        await using var browser = await Browser.LaunchAsync();
        List<string> scriptErrors = [];
        var page = await browser.NewPageAsync(scriptErrors);
        var token = server.AdminToken;
        await page.GotoAsync(new Uri(server.BaseUri, $"dashboard/#token={token}&session=long").ToString());

        // The link opens the session's page and leaves no token in the address bar.
        await Expect(page.Locator("#validation-chart")).ToHaveAttributeAsync("data-points", "30", new() { Timeout = 10_000 });
        Assert.EndsWith("#/sessions/long", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);

        // Any reported metric can be charted; the first choice is the first name when there is no accuracy.
        Assert.Equal("meanAbsoluteError", await page.Locator("#validation-metric").InputValueAsync());
        Assert.Equal(["meanAbsoluteError", "r2"], await page.Locator("#validation-metric option").AllTextContentsAsync());
        Assert.Equal("loss", await page.Locator("#training-metric").InputValueAsync());
        await Expect(page.Locator("#training-chart")).ToHaveAttributeAsync("data-points", "30");
        var ticks = (await page.Locator("#validation-chart").GetAttributeAsync("data-y-ticks"))!.Split(' ');
        Assert.True(ticks.Length >= 2 && ticks.Distinct().Count() == ticks.Length, $"repeated y labels: {string.Join(", ", ticks)}");
        await page.Locator("#validation-metric").SelectOptionAsync("r2");
        await Expect(page.Locator("#validation-heatmap caption")).ToHaveTextAsync("Validation r2 by client and round");
        Assert.Contains("0.98", (await page.Locator("#validation-chart tbody tr td").AllTextContentsAsync())[0], StringComparison.Ordinal);

        // 30 rounds scroll inside the heatmap's panel instead of pushing past it.
        var fits = await page.EvaluateAsync<bool>("() => { const panel = document.getElementById('validations'); const scroller = panel.querySelector('.scroll'); return panel.scrollWidth <= panel.clientWidth + 1 && panel.getBoundingClientRect().right <= document.documentElement.clientWidth + 1 && scroller.scrollWidth > scroller.clientWidth; }");
        Assert.True(fits, "the heatmap overflows its panel");

        await Expect(page.Locator("#session-warnings")).ToContainTextAsync("Round 17: most updates were refused");
        await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        Assert.Empty(scriptErrors);
    }

    private static async Task SignInAsync(IPage page, RunningServer server, string token)
    {
        await page.GotoAsync(new Uri(server.BaseUri, "dashboard/").ToString());
        await page.GetByLabel("Admin token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("live", new() { Timeout = 10_000 });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static float Milliseconds(TimeSpan span) => (float)span.TotalMilliseconds;
}
