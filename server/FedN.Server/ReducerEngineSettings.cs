using System.Globalization;
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
        var section = configuration.GetSection(Section);
        List<string> problems = [];
        var engine = section["Engine"] switch
        {
            null or "" => string.IsNullOrWhiteSpace(storage.StorageConnectionString) ? ReducerEngine.Local : ReducerEngine.AzureStorage,
            var name when name.Equals("local", StringComparison.OrdinalIgnoreCase) => ReducerEngine.Local,
            var name when name.Equals("azure-storage", StringComparison.OrdinalIgnoreCase) => ReducerEngine.AzureStorage,
            var name => Problem(problems, ReducerEngine.Local, $"{Section}:Engine '{name}' is not an engine: use 'local' or 'azure-storage'"),
        };
        if (engine == ReducerEngine.AzureStorage && string.IsNullOrWhiteSpace(storage.StorageConnectionString))
        {
            problems.Add($"{Section}:Engine 'azure-storage' needs {StorageSettings.StorageConnectionStringKey} (the task hub's blobs, queues and tables)");
        }

        var defaults = new AzureStorageEngineOptions();
        var options = new AzureStorageEngineOptions
        {
            TaskHubName = section["TaskHubName"] ?? defaults.TaskHubName,
            PartitionCount = Integer(section, "PartitionCount", defaults.PartitionCount, problems),
            LeaseInterval = Duration(section, "LeaseInterval", defaults.LeaseInterval, problems),
            LeaseRenewInterval = Duration(section, "LeaseRenewInterval", defaults.LeaseRenewInterval, problems),
            LeaseAcquireInterval = Duration(section, "LeaseAcquireInterval", defaults.LeaseAcquireInterval, problems),
            WorkItemQueueVisibilityTimeout = Duration(section, "WorkItemQueueVisibilityTimeout", defaults.WorkItemQueueVisibilityTimeout, problems),
            ControlQueueVisibilityTimeout = Duration(section, "ControlQueueVisibilityTimeout", defaults.ControlQueueVisibilityTimeout, problems),
            MaxQueuePollingInterval = Duration(section, "MaxQueuePollingInterval", defaults.MaxQueuePollingInterval, problems),
            MaxConcurrentActivities = Integer(section, "MaxConcurrentActivities", defaults.MaxConcurrentActivities, problems),
            WorkerId = section["WorkerId"] ?? defaults.WorkerId,
        };
        if (engine == ReducerEngine.AzureStorage)
        {
            problems.AddRange(options.Problems());
        }

        return problems.Count == 0
            ? new ReducerEngineSettings { Engine = engine, AzureStorage = options }
            : throw new ArgumentException(string.Join("; ", problems));
    }

    private static T Problem<T>(List<string> problems, T fallback, string problem)
    {
        problems.Add(problem);
        return fallback;
    }

    private static int Integer(IConfigurationSection section, string key, int fallback, List<string> problems) => section[key] switch
    {
        null or "" => fallback,
        var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        var text => Problem(problems, fallback, $"{Section}:{key} '{text}' is not a whole number"),
    };

    /// <summary>A duration as seconds ("10", "2.5") or as a time span ("00:00:10").</summary>
    private static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback, List<string> problems) => section[key] switch
    {
        null or "" => fallback,
        var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds => TimeSpan.FromSeconds(seconds),
        var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) => span,
        var text => Problem(problems, fallback, $"{Section}:{key} '{text}' is not a duration: give seconds (10) or a time span (00:00:10)"),
    };
}
