using FedN.Hosting;
using FedN.Orchestration.AzureStorage;
using Microsoft.Extensions.Configuration;

namespace FedN.Server;

/// <summary>Which engine runs the reducer in this server.</summary>
public enum ReducerEngine
{
    /// <summary>FedN's journaled local runner over the server's own stores (one active server, hot standbys).</summary>
    Local,

    /// <summary>The Durable Task Framework's Azure Storage provider: several nodes share one task hub and take over from each other.</summary>
    AzureStorage,
}

/// <summary>
/// The reducer's engine and its settings (<c>FedN:Durable:*</c>): the Durable Task Framework on Azure
/// Storage when the server's storage is an Azure Storage connection string (Azurite included),
/// the local runner otherwise; <c>FedN:Durable:Engine</c> (<c>local</c> or <c>azure-storage</c>) chooses.
/// </summary>
public sealed record ReducerEngineSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "FedN:Durable";

    /// <summary>The engine.</summary>
    public ReducerEngine Engine { get; init; }

    /// <summary>The task hub and its timings, for <see cref="ReducerEngine.AzureStorage"/>.</summary>
    public AzureStorageEngineOptions AzureStorage { get; init; } = new();

    /// <summary>Reads the settings; every problem is named in one message.</summary>
    /// <exception cref="ArgumentException">A value cannot be used.</exception>
    public static ReducerEngineSettings FromConfiguration(IConfiguration configuration, StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        var values = new SettingValues(configuration, Section);
        var engine = values["Engine"] switch
        {
            null => string.IsNullOrWhiteSpace(storage.StorageConnectionString) ? ReducerEngine.Local : ReducerEngine.AzureStorage,
            var name when name.Equals("local", StringComparison.OrdinalIgnoreCase) => ReducerEngine.Local,
            var name when name.Equals("azure-storage", StringComparison.OrdinalIgnoreCase) => ReducerEngine.AzureStorage,
            var name => values.Problem(ReducerEngine.Local, $"{Section}:Engine '{name}' is not an engine: use 'local' or 'azure-storage'"),
        };
        if (engine == ReducerEngine.AzureStorage && string.IsNullOrWhiteSpace(storage.StorageConnectionString))
        {
            values.Problems.Add($"{Section}:Engine 'azure-storage' needs {StorageSettings.StorageConnectionStringKey} (the task hub's blobs, queues and tables)");
        }

        var defaults = new AzureStorageEngineOptions();
        var options = new AzureStorageEngineOptions
        {
            TaskHubName = values["TaskHubName"] ?? defaults.TaskHubName,
            PartitionCount = values.WholeNumber("PartitionCount", defaults.PartitionCount),
            LeaseInterval = values.Duration("LeaseInterval", defaults.LeaseInterval),
            LeaseRenewInterval = values.Duration("LeaseRenewInterval", defaults.LeaseRenewInterval),
            LeaseAcquireInterval = values.Duration("LeaseAcquireInterval", defaults.LeaseAcquireInterval),
            WorkItemQueueVisibilityTimeout = values.Duration("WorkItemQueueVisibilityTimeout", defaults.WorkItemQueueVisibilityTimeout),
            ControlQueueVisibilityTimeout = values.Duration("ControlQueueVisibilityTimeout", defaults.ControlQueueVisibilityTimeout),
            MaxQueuePollingInterval = values.Duration("MaxQueuePollingInterval", defaults.MaxQueuePollingInterval),
            MaxConcurrentActivities = values.WholeNumber("MaxConcurrentActivities", defaults.MaxConcurrentActivities),
            WorkerId = values["WorkerId"] ?? defaults.WorkerId,
        };
        if (engine == ReducerEngine.AzureStorage)
        {
            values.Problems.AddRange(options.Problems());
        }

        values.ThrowIfAny();
        return new ReducerEngineSettings { Engine = engine, AzureStorage = options };
    }
}
