using FedN.Contracts.Federation;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the reduce activity.</summary>
public sealed record ReduceRequest : Telemetry.IRoundStep
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt (1 in histories written before it was passed).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The aggregator.</summary>
    public required string Aggregator { get; init; }

    /// <summary>Its hyperparameters.</summary>
    public AggregatorHyperparameters? Hyperparameters { get; init; }

    /// <summary>The current global model.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The optimizer state so far.</summary>
    public string? OptimizerStatePath { get; init; }

    /// <summary>The shards' partials.</summary>
    public required IReadOnlyList<string> Partials { get; init; }

    /// <summary>The id the new model will have.</summary>
    public required string NewModelId { get; init; }
}

/// <summary>Output of the reduce activity.</summary>
public sealed record ReduceResult(string ModelPath, long SizeBytes, string? OptimizerStatePath, int Count, double TotalWeight)
{
    /// <summary>The new model file's SHA-256, recorded on the trail.</summary>
    public string? Sha256 { get; init; }
}
