using FedN.Orchestration;
using FedN.Reducer;
using FedN.Security;
using FedN.Server;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedN.Testing;

/// <summary>
/// A real local server (API, hub, reducer, transfer, embedded stores) on 127.0.0.1 and a free port,
/// over a temporary data directory that is deleted at the end, with short reducer waits.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private bool _stopped;

    private RunningServer(WebApplication app, LocalServerOptions options, bool ownsDirectory)
    {
        App = app;
        Options = options;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>Reducer waits short enough for tests, long enough for a loaded 2-core machine.</summary>
    public static ReducerOptions FastReducer { get; } = new()
    {
        IntakePollInterval = TimeSpan.FromMilliseconds(50),
        PlanRetryInterval = TimeSpan.FromMilliseconds(200),
        CombinerGrace = TimeSpan.FromSeconds(2),
        ActivityRetry = new RetryPolicy(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromMilliseconds(100), backoffCoefficient: 2),
    };

    /// <summary>The host.</summary>
    public WebApplication App { get; }

    /// <summary>What it was started with.</summary>
    public LocalServerOptions Options { get; }

    /// <summary>Its address.</summary>
    public Uri BaseUri => Options.ListenUri;

    /// <summary>Its metadata.</summary>
    public FederationMetadata Metadata => App.Services.GetRequiredService<FederationMetadata>();

    /// <summary>An admin token.</summary>
    public string AdminToken => Tokens.Create(AccessTokenRoles.Admin, null, TimeSpan.FromHours(1));

    private AccessTokens Tokens => App.Services.GetRequiredService<AccessTokens>();

    /// <summary>
    /// Starts a server; <paramref name="configure"/> may change the options (the data directory and port
    /// are set), and <paramref name="configuration"/> gives <c>FedN:*</c> settings (for example Azure storage).
    /// </summary>
    public static async Task<RunningServer> StartAsync(Func<LocalServerOptions, LocalServerOptions>? configure = null, string? dataDirectory = null, Uri? listenUri = null, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var options = new LocalServerOptions
        {
            ListenUri = listenUri ?? LocalServerOptions.FreeLoopbackUri(),
            DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("fedn-server-").FullName,
            Reducer = FastReducer,
        };
        options = configure?.Invoke(options) ?? options;
        var settings = configuration is null ? null : new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        var app = await LocalServer.BuildAsync(options, settings, logging: logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new RunningServer(app, options, ownsDirectory: dataDirectory is null);
    }

    /// <summary>A token for client <paramref name="clientId"/>.</summary>
    public string ClientToken(string clientId, TimeSpan? lifetime = null) => Tokens.Create(AccessTokenRoles.Client, clientId, lifetime ?? TimeSpan.FromHours(1));

    /// <summary>Stops the server gracefully, keeping its data directory (to start another on it).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Stops the server and deletes its data directory if it made it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDirectory)
        {
            Directory.Delete(Options.DataDirectory, recursive: true);
        }
    }
}
