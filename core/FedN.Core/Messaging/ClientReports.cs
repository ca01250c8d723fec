namespace FedN.Core.Messaging;

/// <summary>A client's report that its update is uploaded (the <c>update</c> event).</summary>
public sealed record UpdateReport
{
    /// <summary>The task this reports on; echoed in the receipt so the client can match it.</summary>
    public string? TaskId { get; init; }

    /// <summary>The session of the task.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round of the task.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt of the task.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The shard of the task.</summary>
    public int Shard { get; init; }

    /// <summary>Training examples behind the update: its weight in the aggregate.</summary>
    public required long NumExamples { get; init; }

    /// <summary>Training metrics (for example loss), reported as they are.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}

/// <summary>A client's validation of a model (the <c>validation</c> event).</summary>
public sealed record ValidationReport
{
    /// <summary>The task this reports on; echoed in the receipt so the client can match it.</summary>
    public string? TaskId { get; init; }

    /// <summary>The session of the task.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round of the task.</summary>
    public required int Round { get; init; }

    /// <summary>The model validated.</summary>
    public required string ModelId { get; init; }

    /// <summary>Held-out examples it was validated on: its weight in the round's figures.</summary>
    public required long NumExamples { get; init; }

    /// <summary>Metrics, for example accuracy and loss.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
}
