namespace FedN.Contracts.Federation;

/// <summary>One client's validation of one round's model.</summary>
public sealed record ValidationRecord
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round whose model was validated.</summary>
    public required int Round { get; init; }

    /// <summary>The client that validated it.</summary>
    public required string ClientId { get; init; }

    /// <summary>The model validated.</summary>
    public required string ModelId { get; init; }

    /// <summary>Examples the metrics were computed on (the weight in the round's average).</summary>
    public long NumExamples { get; init; }

    /// <summary>The metrics (for example accuracy, loss).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>Set when the client reported that it could not validate: why. Such a record has no figures; it only tells the round to stop waiting.</summary>
    public string? Failure { get; init; }

    /// <summary>When it arrived.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}
