using System.Diagnostics;
using FedN.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FedN.Bench.Load;

/// <summary>
/// The server under load: this program started again in a process of its own, so its CPU time,
/// memory and system calls are the server's alone. It runs <see cref="LocalServer"/> with the
/// defaults a user gets (no test timings) and <c>FedN__*</c> settings from the environment.
/// </summary>
internal sealed class ServerChild : IAsyncDisposable
{
    /// <summary>Set in the child's environment: the data directory it serves.</summary>
    public const string DataVariable = "FEDN_BENCH_LOAD_SERVER_DATA";

    /// <summary>Set in the child's environment: the port it listens on.</summary>
    public const string PortVariable = "FEDN_BENCH_LOAD_SERVER_PORT";

    private const string TieringDelayVariable = "DOTNET_TC_CallCountingDelayMs";
    private readonly Process _process;

    private ServerChild(Process process, Uri baseUri, string dataDirectory)
    {
        _process = process;
        BaseUri = baseUri;
        DataDirectory = dataDirectory;
    }

    public Uri BaseUri { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    /// <summary>In the child: serves until killed or until its standard input closes (the parent died).</summary>
    public static async Task<int> ServeAsync(string dataDirectory, int port)
    {
        var options = new LocalServerOptions { ListenUri = new Uri($"http://127.0.0.1:{port}/"), DataDirectory = dataDirectory };
        var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var app = await LocalServer.BuildAsync(options, settings, logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>Starts the child on a free port over <paramref name="dataDirectory"/> and waits until it serves.</summary>
    public static async Task<ServerChild> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var uri = LocalServerOptions.FreeLoopbackUri();
        var start = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? new ProcessStartInfo(Environment.ProcessPath!, [typeof(ServerChild).Assembly.Location])
            : new ProcessStartInfo(Environment.ProcessPath!);
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.Environment[DataVariable] = dataDirectory;
        start.Environment[PortVariable] = uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // As the fedn launcher starts a server (its comment says why); --setting can say otherwise.
        start.Environment[TieringDelayVariable] = Environment.GetEnvironmentVariable(TieringDelayVariable) ?? "0";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
        var child = new ServerChild(process, uri, dataDirectory);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data == "ready")
            {
                ready.TrySetResult();
            }
            else if (line.Data is { Length: > 0 } text && !text.Contains("dashboard is not built", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"  server: {text}");
            }
        };
        process.BeginOutputReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))) != ready.Task)
        {
            await child.DisposeAsync();
            throw new InvalidOperationException("the server process did not start (see its output above)");
        }

        return child;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
