using FedN.Contracts.Federation;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Where a session is: the session orchestrator's input, carried across continue-as-new.</summary>
public sealed record SessionProgress
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>Its configuration (copied in, since orchestrators do no I/O).</summary>
    public required SessionConfig Config { get; init; }

    /// <summary>The round to run next.</summary>
    public int Round { get; init; } = 1;

    /// <summary>The attempt at that round.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The current global model.</summary>
    public required string ModelId { get; init; }

    /// <summary>Its blob.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The server optimizer's state after the last committed round, if it keeps one.</summary>
    public string? OptimizerStatePath { get; init; }
}

/// <summary>How a session ended: the session orchestrator's output.</summary>
public sealed record SessionOutcome(SessionStatus Status, int CompletedRounds, string ModelId, string? Message);

/// <summary>What the session orchestrator publishes as custom status.</summary>
public sealed record SessionProgressStatus(int Round, int Attempt, string Phase, string ModelId);
