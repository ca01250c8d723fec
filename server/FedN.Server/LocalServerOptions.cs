using FedN.Api;
using FedN.Channel.Local;
using FedN.Dashboard;
using FedN.Reducer;

namespace FedN.Server;

/// <summary>How to run a local server.</summary>
public sealed record LocalServerOptions
{
    /// <summary>The port FedN's local server listens on unless told otherwise (the Functions host's default, so URLs match <c>func start</c>).</summary>
    public const int DefaultPort = 7071;

    /// <summary>A loopback address on a port that nothing listens on now (for demos and tests that run their own server).</summary>
    public static Uri FreeLoopbackUri()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/");
    }

    /// <summary>Where to listen; loopback only by default.</summary>
    public Uri ListenUri { get; init; } = new($"http://127.0.0.1:{DefaultPort}/");

    /// <summary>The address clients reach the server at, for model transfer URLs; <see cref="ListenUri"/> when unset.</summary>
    public Uri? PublicUri { get; init; }

    /// <summary>The embedded stores' directory, created if missing (and where the signing keys are made).</summary>
    public string DataDirectory { get; init; } = ".fedn/data";

    /// <summary>Reducer timings.</summary>
    public ReducerOptions Reducer { get; init; } = new();

    /// <summary>Hub limits.</summary>
    public LocalHubOptions Hub { get; init; } = new();

    /// <summary>API limits.</summary>
    public ControlPlaneOptions Api { get; init; } = new();

    /// <summary>The dashboard's files; the build bundled with the server (<see cref="DashboardFiles.Bundled"/>) when unset.</summary>
    public DashboardFiles? Dashboard { get; init; }

    /// <summary>
    /// More <c>ActivitySource</c> and <c>Meter</c> names to export when telemetry is configured
    /// (<c>FedN:Telemetry:*</c>): a process that also runs clients adds <c>FedN.Client</c>.
    /// </summary>
    public IReadOnlyList<string> TelemetrySources { get; init; } = [];

    /// <summary>Lease of the local durable runner: how soon a standby takes over a dead server's sessions.</summary>
    public TimeSpan RunnerLease { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Longest a stop waits for requests in flight (model transfers) and the reducer's running step
    /// before it cuts them off. A cut-off transfer is retried by its client; a cut-off step runs
    /// again when a server takes the session up.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
