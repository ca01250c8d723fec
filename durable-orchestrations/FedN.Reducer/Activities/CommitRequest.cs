// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the commit activity.</summary>
public sealed record CommitRequest : Telemetry.IRoundStep
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The model the round trained from.</summary>
    public required string ParentModelId { get; init; }

    /// <summary>The new model.</summary>
    public required string ModelId { get; init; }

    /// <summary>What reduce wrote.</summary>
    public required ReduceResult Reduced { get; init; }

    /// <summary>What each combiner did.</summary>
    public required IReadOnlyList<ShardResult> Shards { get; init; }

    /// <summary>Validation figures, when the round validated.</summary>
    public ValidationSummary? Validation { get; init; }
}
