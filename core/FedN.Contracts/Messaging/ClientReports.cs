namespace FedN.Contracts.Messaging;

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

/// <summary>A client's report that it could not do a task (the <c>failed</c> event): the round stops waiting for it.</summary>
public sealed record FailureReport
{
    /// <summary>Longest reason kept; a longer one is cut.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The task this reports on; echoed in the receipt so the client can match it.</summary>
    public string? TaskId { get; init; }

    /// <summary>What the task was: training or validation.</summary>
    public required ClientTaskKind Kind { get; init; }

    /// <summary>The session of the task.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round of the task.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt of the task.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The shard of the task.</summary>
    public int Shard { get; init; }

    /// <summary>Why, for the operator (for example the trainer's exit code and last error line).</summary>
    public required string Reason { get; init; }

    /// <summary><see cref="Reason"/>, cut to <see cref="MaxReasonLength"/> characters and stripped of control characters.</summary>
    public string BoundedReason
    {
        get
        {
            var clean = new string([.. Reason.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
            return clean.Length <= MaxReasonLength ? clean : $"{clean[..MaxReasonLength]}…";
        }
    }
}
