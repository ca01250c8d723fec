using DurableTask.AzureStorage;
using DurableTask.Core;
using FedN.Orchestration.DurableTask;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Orchestration.AzureStorage;

/// <summary>
/// One node of a reducer on the Durable Task Framework's Azure Storage provider: a worker running
/// the catalog's orchestrators and activities (the SDK classes, through the SDK's shim) and a client
/// for the API. Every node on the same storage account and task hub shares the work: orchestrations
/// by control-queue partition (blob leases), activities from one work-item queue, so a node that
/// dies is taken over by the others.
/// </summary>
public sealed class AzureStorageOrchestrationEngine : IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private int _started;
    private int _disposed;

    /// <summary>Prepares a node: <see cref="Client"/> works at once, the worker after <see cref="StartAsync"/>.</summary>
    /// <param name="catalog">The orchestrators and activities this node runs.</param>
    /// <param name="storageConnectionString">The storage account (Azurite's connection string locally); it needs the blob, queue and table services.</param>
    /// <param name="options">The task hub and its timings.</param>
    /// <param name="loggerFactory">Where the engine logs.</param>
    /// <exception cref="ArgumentException">The options have problems; the message lists them all.</exception>
    public AzureStorageOrchestrationEngine(OrchestrationCatalog catalog, string storageConnectionString, AzureStorageEngineOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(storageConnectionString);
        options ??= new AzureStorageEngineOptions();
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        _service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            TaskHubName = options.TaskHubName,
            PartitionCount = options.PartitionCount,
            LeaseInterval = options.LeaseInterval,
            LeaseRenewInterval = options.LeaseRenewInterval,
            LeaseAcquireInterval = options.LeaseAcquireInterval,
            WorkItemQueueVisibilityTimeout = options.WorkItemQueueVisibilityTimeout,
            ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            WorkerId = options.WorkerId,
            LoggerFactory = loggerFactory,
        });

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = FedNDataConverter.Instance }, loggerFactory);
        _worker = new TaskHubWorker(_service, loggerFactory);
        _worker.AddTaskOrchestrations([.. catalog.Orchestrators.Select(orchestrator =>
            new Creator<TaskOrchestration>(orchestrator.Name, () => shims.CreateOrchestration(orchestrator.Name, orchestrator.Create())))]);
        _worker.AddTaskActivities([.. catalog.Activities.Select(activity =>
            new Creator<TaskActivity>(activity.Name, () => shims.CreateActivity(activity.Name, new CatalogTaskActivity(activity))))]);
        Client = new TaskHubOrchestrationClient(_service);
    }

    /// <summary>The orchestration client for this task hub (any node's client reaches every instance).</summary>
    public IOrchestrationClient Client { get; }

    /// <summary>Creates the task hub if needed (tables, queues, lease blobs) and starts working; once.</summary>
    public async Task StartAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            await _service.CreateIfNotExistsAsync();
            await _worker.StartAsync();
        }
    }

    /// <summary>A started node over <paramref name="catalog"/> (see the constructor).</summary>
    public static async Task<AzureStorageOrchestrationEngine> StartNewAsync(OrchestrationCatalog catalog, string storageConnectionString, AzureStorageEngineOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        var engine = new AzureStorageOrchestrationEngine(catalog, storageConnectionString, options, loggerFactory);
        await engine.StartAsync();
        return engine;
    }

    /// <summary>Stops working here (gracefully: leases are released, so other nodes take the partitions at once).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (Volatile.Read(ref _started) == 1)
            {
                await _worker.StopAsync(isForced: false);
            }

            _worker.Dispose();
        }
    }

    /// <summary>Makes a fresh task for each execution (orchestrators keep per-run state).</summary>
    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override T Create() => _create();
    }
}
