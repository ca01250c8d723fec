namespace FedN.Orchestration.AzureStorage;

/// <summary>
/// The task hub and its timings (configuration <c>FedN:Durable:*</c>). The defaults favour fast
/// failover over storage transactions: a dead node's partitions are taken over within about
/// <see cref="LeaseInterval"/> plus <see cref="LeaseAcquireInterval"/>, and the work item it had
/// dequeued comes back after <see cref="WorkItemQueueVisibilityTimeout"/> (the provider's defaults,
/// 30 s and 5 minutes, made takeover take 300 s when probed).
/// </summary>
public sealed record AzureStorageEngineOptions
{
    /// <summary>The task hub: its tables (<c>{name}History</c>, <c>{name}Instances</c>), control and work-item queues and lease blobs, as Durable Functions lays them out.</summary>
    public string TaskHubName { get; init; } = "FedN";

    /// <summary>Control-queue partitions: at most this many nodes share the orchestrations (1 to 16). Sessions are few; activities (the combiners) spread over every node regardless.</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>How long a node's partition lease lasts without renewal: the bound on noticing a dead node.</summary>
    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node renews the leases it holds.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a node looks for leases that lapsed.</summary>
    public TimeSpan LeaseAcquireInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a dequeued activity stays invisible to other nodes: a node that dies mid-activity hands it on after this long.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The same for orchestration messages on the control queues.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait between polls of an idle queue (the provider backs off up to this; its default is 30 s, which would add up to 30 s to a round step).</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Activities one node runs at once (combiners wait for their clients, so they are mostly idle).</summary>
    public int MaxConcurrentActivities { get; init; } = 32;

    /// <summary>This node's name in the task hub's leases and logs.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Every problem with these options, each saying what is wrong; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        List<string> problems = [];
        // The provider's rule for hub names: 3-45 letters and digits, starting with a letter.
        if (TaskHubName is not { Length: >= 3 and <= 45 } || !char.IsAsciiLetter(TaskHubName[0]) || !TaskHubName.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add($"FedN:Durable:TaskHubName '{TaskHubName}' must be 3 to 45 letters and digits, starting with a letter");
        }

        if (PartitionCount is < 1 or > 16)
        {
            problems.Add($"FedN:Durable:PartitionCount {PartitionCount} must be between 1 and 16");
        }

        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval >= LeaseInterval)
        {
            problems.Add($"FedN:Durable:LeaseRenewInterval ({LeaseRenewInterval}) must be positive and shorter than FedN:Durable:LeaseInterval ({LeaseInterval}), or leases lapse while their node lives");
        }

        if (LeaseAcquireInterval <= TimeSpan.Zero)
        {
            problems.Add($"FedN:Durable:LeaseAcquireInterval ({LeaseAcquireInterval}) must be positive");
        }

        foreach (var (name, value) in new[] { (nameof(WorkItemQueueVisibilityTimeout), WorkItemQueueVisibilityTimeout), (nameof(ControlQueueVisibilityTimeout), ControlQueueVisibilityTimeout), (nameof(MaxQueuePollingInterval), MaxQueuePollingInterval) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"FedN:Durable:{name} ({value}) must be positive");
            }
        }

        if (MaxConcurrentActivities < 1)
        {
            problems.Add($"FedN:Durable:MaxConcurrentActivities {MaxConcurrentActivities} must be at least 1");
        }

        return problems;
    }
}
