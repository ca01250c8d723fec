using FedN.Contracts.Federation;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>One attempt at a round: the round orchestrator's input.</summary>
public sealed record RoundInput
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The session's configuration.</summary>
    public required SessionConfig Config { get; init; }

    /// <summary>The global model clients train from.</summary>
    public required string ModelId { get; init; }

    /// <summary>Its blob.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The server optimizer's state so far.</summary>
    public string? OptimizerStatePath { get; init; }
}

/// <summary>How a round attempt ended: the round orchestrator's output.</summary>
public sealed record RoundOutcome
{
    /// <summary>Committed, Failed or Stopped.</summary>
    public required RoundStatus Status { get; init; }

    /// <summary>The committed model.</summary>
    public string? ModelId { get; init; }

    /// <summary>Its blob.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The optimizer state after the round.</summary>
    public string? OptimizerStatePath { get; init; }

    /// <summary>Updates in the committed model.</summary>
    public int Aggregated { get; init; }

    /// <summary>Why it failed or stopped.</summary>
    public string? Message { get; init; }
}
