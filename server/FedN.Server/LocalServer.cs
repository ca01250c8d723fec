using FedN.Api;
using FedN.Channel;
using FedN.Channel.Local;
using FedN.Contracts.Federation;
using FedN.Dashboard;
using FedN.Hosting;
using FedN.Orchestration;
using FedN.Orchestration.AzureStorage;
using FedN.Orchestration.Local;
using FedN.Security;
using FedN.Server.Nodes;
using FedN.Storage.Embedded;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedN.Server;

/// <summary>
/// The local server: the control-plane API, the hub, the reducer, model transfer (embedded stores)
/// and the stores, in one process. The reducer runs on the local durable runner (a second server on
/// the same data is a hot standby) or, on Azure Storage, on the Durable Task Framework, where every
/// server on the same task hub shares the orchestrations and activities (<see cref="ReducerEngineSettings"/>).
/// </summary>
public static class LocalServer
{
    /// <summary>
    /// Builds the server; the caller starts and stops it (it handles no signals itself). Storage comes from configuration (<c>FedN:Storage:*</c>, <c>FedN:Cosmos:*</c>;
    /// embedded in <see cref="LocalServerOptions.DataDirectory"/> when unset); the signing key from
    /// <c>FedN:Auth:SigningKey</c> or the data directory.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(LocalServerOptions options, IConfiguration? configuration = null, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Hub.Validate();
        // No reload watcher: it watches the working directory recursively (thousands of inotify
        // watches, and CPU on every file the data directory writes when it lies under it), and
        // settings are read once at start anyway.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        if (configuration is not null)
        {
            builder.Configuration.AddConfiguration(configuration);
        }

        builder.Configuration["FedN:Storage:DataDirectory"] ??= options.DataDirectory;
        builder.WebHost.UseUrls(options.ListenUri.ToString());

        // Read a connection's bytes at once instead of first asking whether any have come (a 1-byte
        // peek before every 4 kB read): a 70 kB upload took 36 receive calls, now 18. The cost is a
        // 4 kB block per open connection while it waits, 40 MB at 10,000 clients (docs/performance.md).
        builder.WebHost.UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
        if (TlsSettings.LoadCertificate(builder.Configuration, options.ListenUri) is { } certificate)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; });
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }

        var settings = StorageSettings.FromConfiguration(builder.Configuration);
        var engine = ReducerEngineSettings.FromConfiguration(builder.Configuration, settings);
        // The key first: it is made only in a directory that holds nothing yet, before the stores fill it.
        var key = await AuthSigningKey.LoadAsync(builder.Configuration[AuthSigningKey.ConfigurationKey], settings.DataDirectory, cancellationToken);
        DataDirectory.CreatePrivate(settings.DataDirectory);
        var stores = await FedNStores.OpenAsync(settings, options.PublicUri ?? options.ListenUri, cancellationToken);
        try
        {
            var time = options.Reducer.TimeProvider;
            var services = builder.Services;
            // On the Durable Task Framework several servers form one deployment: each is a node, and
            // messages for clients connected to another node go through that node's queue.
            var node = engine.Engine == ReducerEngine.AzureStorage
                ? new NodeRecord { Id = engine.AzureStorage.WorkerId, Address = options.PublicUri ?? options.ListenUri, StartedAt = time.GetUtcNow() }
                : null;
            services.AddFedN(stores, key, options.Reducer with { ReportLimits = LimitSettings.ReportLimits(builder.Configuration) }, node?.Id);
            var telemetry = TelemetrySettings.FromConfiguration(builder.Configuration);
            services.AddFedNTelemetry(telemetry, "fedn-server", [.. options.TelemetrySources]);
            services.AddSingleton(new HubAccessTokens(key, time));
            services.AddSingleton(provider => new LocalClientHub(provider.GetRequiredService<HubAccessTokens>(), provider.GetRequiredService<ClientEventProcessor>(), options.Hub with { PublicUri = options.Hub.PublicUri ?? options.PublicUri }, provider.GetRequiredService<ILogger<LocalClientHub>>(), time, provider.GetRequiredService<ITokenRevocations>()));
            if (node is null)
            {
                services.AddSingleton<IClientHub>(provider => provider.GetRequiredService<LocalClientHub>());
                services.AddSingleton(provider => new LocalOrchestrationRunner(
                    provider.GetRequiredService<OrchestrationCatalog>(), stores.Metadata, stores.Blobs, new LocalOrchestrationRunnerOptions { LeaseDuration = options.RunnerLease, TimeProvider = time }));
                services.AddSingleton<IOrchestrationClient>(provider => provider.GetRequiredService<LocalOrchestrationRunner>());
                services.AddHostedService<ReducerService>();
            }
            else
            {
                services.AddSingleton(provider => new NodeMesh(node, provider.GetRequiredService<FederationMetadata>(), stores.Queues, time));
                services.AddSingleton<IClientHub>(provider => new NodeRoutedClientHub(provider.GetRequiredService<LocalClientHub>(), provider.GetRequiredService<NodeMesh>()));
                // The node is recorded before its engine starts, so its clients are reachable from the first step.
                services.AddHostedService(provider => new NodeService(provider.GetRequiredService<NodeMesh>(), provider.GetRequiredService<LocalClientHub>(), stores.Queues, provider.GetRequiredService<ILogger<NodeService>>(), time, provider.GetRequiredService<ServerHealth>()));
                services.AddSingleton(provider => new AzureStorageOrchestrationEngine(
                    provider.GetRequiredService<OrchestrationCatalog>(), settings.StorageConnectionString!, engine.AzureStorage, provider.GetRequiredService<ILoggerFactory>()));
                services.AddSingleton(provider => provider.GetRequiredService<AzureStorageOrchestrationEngine>().Client);
                services.AddHostedService<DurableEngineService>();
            }

            services.AddHostedService<HubShutdownService>();
            services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
            services.AddSingleton<InFlightRequests>();
            services.AddHostedService<LivenessService>();
            services.AddSingleton<ServerHealth>();
            services.AddSingleton<IHostLifetime, CallerLifetime>();

            var api = options.Api with { PublicUri = options.Api.PublicUri ?? options.PublicUri };
            var app = builder.Build();
            app.Services.GetRequiredService<InFlightRequests>().CountRequestsOf(app);
            // Pings every 15 s; a peer that stops answering for 30 s (a dropped network, not a close) is disconnected and marked offline.
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15), KeepAliveTimeout = TimeSpan.FromSeconds(30) });
            app.UseRequestErrorProblems();
            app.UseControlPlaneAuthorization(api);
            app.MapClientHub(app.Services.GetRequiredService<LocalClientHub>());
            if (stores.Blobs is FileSystemBlobStore files)
            {
                app.MapBlobTransfer(files);
            }

            app.MapControlPlaneApi(api);
            var dashboard = options.Dashboard ?? DashboardFiles.Bundled();
            app.MapDashboard(dashboard);
            app.MapHealth(app.Services.GetRequiredService<ServerHealth>());
            app.MapReadiness(app.Services.GetRequiredService<ServerHealth>(), stores);
            if (telemetry.Prometheus)
            {
                app.MapPrometheusScrapingEndpoint();
            }

            app.Lifetime.ApplicationStopped.Register(stores.Dispose);
            app.Logger.LocalServerReady(stores.Description);
            app.Logger.ReducerEngineChosen(engine.Engine == ReducerEngine.AzureStorage
                ? $"the Durable Task Framework on Azure Storage (task hub '{engine.AzureStorage.TaskHubName}', {engine.AzureStorage.PartitionCount} partitions, worker '{engine.AzureStorage.WorkerId}')"
                : "the local journaled runner");
            if (dashboard.IsBuilt)
            {
                app.Logger.DashboardReady(new Uri(options.PublicUri ?? options.ListenUri, DashboardEndpoints.BasePath + "/"));
            }
            else
            {
                app.Logger.DashboardNotBuilt(dashboard.NotBuiltMessage);
            }
            return app;
        }
        catch
        {
            stores.Dispose();
            throw;
        }
    }
}
