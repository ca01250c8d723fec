namespace FedN.Contracts.Federation;

/// <summary>A training session: a configuration, a seed model and the rounds run from it.</summary>
public sealed record SessionRecord
{
    /// <summary>The session's id.</summary>
    public required string Id { get; init; }

    /// <summary>A name for people; optional.</summary>
    public string? Name { get; init; }

    /// <summary>How it runs.</summary>
    public required SessionConfig Config { get; init; }

    /// <summary>Where it is.</summary>
    public SessionStatus Status { get; init; } = SessionStatus.Created;

    /// <summary>The model the first round starts from.</summary>
    public required string SeedModelId { get; init; }

    /// <summary>The newest global model committed by this session; the seed before the first commit.</summary>
    public string? CurrentModelId { get; init; }

    /// <summary>Rounds committed so far.</summary>
    public int CompletedRounds { get; init; }

    /// <summary>What the session's rounds moved over the network so far.</summary>
    public SessionTraffic? Traffic { get; init; }

    /// <summary>The defences it uses (its aggregator's, its norm bound, its example cap), in a few words each; filled in when the API reads it, never stored.</summary>
    public IReadOnlyList<string>? Defences { get; init; }

    /// <summary>The differential privacy spent so far, for a session with a DP aggregator; filled in when the API reads it, never stored.</summary>
    public PrivacySpent? Privacy { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it completed, stopped or failed.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it failed or stopped, for people.</summary>
    public string? Message { get; init; }
}

/// <summary>The life of a session.</summary>
public enum SessionStatus
{
    /// <summary>Created, not started.</summary>
    Created,

    /// <summary>Running rounds.</summary>
    Running,

    /// <summary>A stop was requested; the current step finishes first.</summary>
    Stopping,

    /// <summary>Every round ran.</summary>
    Completed,

    /// <summary>Stopped on request.</summary>
    Stopped,

    /// <summary>Stopped by an error (see <see cref="SessionRecord.Message"/>).</summary>
    Failed,
}

/// <summary>What a <see cref="SessionStatus"/> says about the session's life.</summary>
public static class SessionStatuses
{
    /// <summary>Whether the session has ended (completed, stopped or failed): it runs no more rounds.</summary>
    public static bool HasEnded(this SessionStatus status) => status is SessionStatus.Completed or SessionStatus.Stopped or SessionStatus.Failed;
}
