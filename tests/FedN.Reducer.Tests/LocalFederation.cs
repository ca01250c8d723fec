using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using FedN.Contracts.Federation;
using FedN.Core.Safetensors;
using FedN.Orchestration;
using FedN.Orchestration.Local;
using FedN.Reducer.Intake;
using FedN.Storage;
using FedN.Storage.Embedded;
using FedN.Storage.Metadata;
using FedN.Testing.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace FedN.Reducer.Tests;

/// <summary>
/// A local federation as the local server will hold it: embedded stores in a temporary data
/// directory, model transfer over real HTTP on 127.0.0.1, the reducer registered in a catalog, and
/// simulated clients behind the channel port.
/// </summary>
internal sealed class LocalFederation : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedn-reducer-").FullName;
    private WebApplication _server = null!;
    private SqliteQueueStore _queues = null!;

    private LocalFederation()
    {
    }

    public SqliteMetadataStore MetadataStore { get; private set; } = null!;

    public FileSystemBlobStore FileBlobs { get; private set; } = null!;

    /// <summary>The blob store the reducer uses (the file store, or a fault-injecting wrapper of it).</summary>
    public IBlobStore Blobs { get; private set; } = null!;

    public FederationMetadata Metadata { get; private set; } = null!;

    public SimulatedClients Clients { get; private set; } = null!;

    public ClientReportHandler Reports { get; private set; } = null!;

    public OrchestrationCatalog Catalog { get; private set; } = null!;

    public IQueueStore Queues => _queues;

    /// <summary>The stores the reducer's activities use.</summary>
    public ReducerStores Stores { get; private set; } = null!;

    /// <summary>Short waits, so tests run in seconds.</summary>
    public static ReducerOptions FastOptions { get; } = new()
    {
        IntakePollInterval = TimeSpan.FromMilliseconds(50),
        PlanRetryInterval = TimeSpan.FromMilliseconds(200),
        CombinerGrace = TimeSpan.FromSeconds(1),
        ActivityRetry = new RetryPolicy(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromMilliseconds(100), backoffCoefficient: 2),
    };

    public static async Task<LocalFederation> StartAsync(Func<IBlobStore, IBlobStore>? wrapBlobs = null, ReducerOptions? options = null)
    {
        var federation = new LocalFederation();
        var database = Path.Combine(federation._directory, "fedn.db");
        federation.MetadataStore = await SqliteMetadataStore.OpenAsync(database);
        federation._queues = await SqliteQueueStore.OpenAsync(database);

        // A free port can be taken by another process (an emulator starting beside) before Kestrel binds it: try another.
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePort()}/");
            federation.FileBlobs = new FileSystemBlobStore(new FileSystemBlobStoreOptions
            {
                RootDirectory = Path.Combine(federation._directory, "blobs"),
                SigningKey = RandomNumberGenerator.GetBytes(32),
                TransferBaseUri = address,
            });
            federation.Blobs = wrapBlobs?.Invoke(federation.FileBlobs) ?? federation.FileBlobs;
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(address.ToString());
            builder.Logging.ClearProviders();
            federation._server = builder.Build();
            federation._server.MapBlobTransfer(federation.FileBlobs);
            try
            {
                await federation._server.StartAsync();
                break;
            }
            catch (IOException e) when (attempt < 5 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await federation._server.DisposeAsync();
            }
        }

        federation.Metadata = new FederationMetadata(federation.MetadataStore);
        federation.Clients = new SimulatedClients();
        var stores = federation.Stores = new ReducerStores(federation.Blobs, federation._queues, federation.Metadata, federation.Clients);
        federation.Reports = federation.Clients.Reports = new ClientReportHandler(federation._queues, federation.Blobs, federation.Metadata, options ?? FastOptions);
        federation.Catalog = new OrchestrationCatalog().AddReducer(stores, options ?? FastOptions);
        return federation;
    }

    /// <summary>A runner over the federation's stores, as one local server process has.</summary>
    public LocalOrchestrationRunner NewRunner() => new(Catalog, MetadataStore, FileBlobs);

    /// <summary>Stores a seed model and a session, and brings the clients online.</summary>
    public async Task CreateSessionAsync(string sessionId, SessionConfig config, params (string Client, ClientBehaviour Behaviour)[] clients)
    {
        var seedId = $"{sessionId}-seed";
        var seed = await FileBlobs.UploadAsync(RoundLayout.Model(seedId), new MemoryStream(await SeedModelAsync()), BlobWriteMode.CreateOnly);
        await Metadata.Models.CreateAsync(new ModelRecord { Id = seedId, BlobPath = seed.Path, SizeBytes = seed.Length });
        await Metadata.Sessions.CreateAsync(new SessionRecord { Id = sessionId, Config = config, SeedModelId = seedId });
        foreach (var (client, behaviour) in clients)
        {
            Clients.Add(client, behaviour);
            await Metadata.Clients.RecordConnectedAsync(client, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Runs the session on an engine (the local runner, or the Durable Task SDK's through its client) and waits for its end.</summary>
    public async Task<SessionOutcome> RunSessionAsync(IOrchestrationClient runner, string sessionId, TimeSpan? timeout = null)
    {
        var instanceId = await new SessionControl(Metadata, runner).StartAsync(sessionId);
        var finished = await runner.WaitForCompletionAsync(instanceId).WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        Assert.True(finished.Status == OrchestrationStatus.Completed, $"the session orchestration {finished.Status}: {finished.Error}");
        // A report is counted after it is queued, so its combiner (and the session) may finish
        // first: callers read the rounds' counts once every client's answer has returned.
        await Clients.DrainAsync();
        return finished.ReadOutputAs<SessionOutcome>()!;
    }

    /// <summary>The parameters of a model, in order.</summary>
    public async Task<float[]> ReadModelAsync(string modelId)
    {
        var record = (await Metadata.Models.GetAsync(modelId))!.Value;
        await using var stream = await FileBlobs.OpenReadAsync(record.BlobPath);
        var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        return await F32Models.ReadAsync(bytes.ToArray());
    }

    /// <summary>Checks that every parameter of model <paramref name="modelId"/> is the seed's plus <paramref name="shift"/> (within float32 rounding).</summary>
    public async Task AssertShiftedFromSeedAsync(string seedId, string modelId, double shift)
    {
        var seed = await ReadModelAsync(seedId);
        var model = await ReadModelAsync(modelId);
        for (var i = 0; i < seed.Length; i++)
        {
            Assert.True(Math.Abs(model[i] - seed[i] - shift) < 1e-5, $"parameter {i}: {model[i] - seed[i]} instead of {shift}");
        }
    }

    /// <summary>Two small F32 tensors with varied values.</summary>
    public static Task<byte[]> SeedModelAsync() =>
        F32Models.CreateAsync([new TensorDeclaration("b", DType.F32, [32]), new TensorDeclaration("w", DType.F32, [64, 32])], i => MathF.Sin(i * 0.37f));

    public async ValueTask DisposeAsync()
    {
        await Clients.DrainAsync();
        await _server.DisposeAsync();
        MetadataStore.Dispose();
        _queues.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
