namespace FedN.Contracts.Federation;

/// <summary>Something that happened, for the event log of a session or of the federation.</summary>
public sealed record StatusEvent
{
    /// <summary>The event's id within its session; empty to have one made when it is appended.</summary>
    public string Id { get; init; } = "";

    /// <summary>The session it belongs to; <see langword="null"/> for federation-wide events.</summary>
    public string? SessionId { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>How much it matters.</summary>
    public StatusLevel Level { get; init; } = StatusLevel.Info;

    /// <summary>A stable, dotted name for programs (for example <c>round.committed</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>What happened, for people.</summary>
    public required string Message { get; init; }

    /// <summary>The round concerned, if any.</summary>
    public int? Round { get; init; }

    /// <summary>The client concerned, if any.</summary>
    public string? ClientId { get; init; }
}

/// <summary>How much a <see cref="StatusEvent"/> matters.</summary>
public enum StatusLevel
{
    /// <summary>Progress.</summary>
    Info,

    /// <summary>Something went wrong but the session goes on.</summary>
    Warning,

    /// <summary>Something failed.</summary>
    Error,
}
