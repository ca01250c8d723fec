namespace FedN.Contracts.Federation;

/// <summary>One round of a session: who was asked, what arrived, what was committed.</summary>
public sealed record RoundRecord
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round number, from 1.</summary>
    public required int Round { get; init; }

    /// <summary>Where it is.</summary>
    public RoundStatus Status { get; init; } = RoundStatus.Planned;

    /// <summary>Which attempt at the round this is (a failed round may be retried, see <see cref="SessionConfig.RoundRetries"/>), from 1.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The global model the clients train from.</summary>
    public required string InputModelId { get; init; }

    /// <summary>The model this round committed, once it has.</summary>
    public string? OutputModelId { get; init; }

    /// <summary>Clients asked to train.</summary>
    public int AssignedClients { get; init; }

    /// <summary>
    /// Updates clients reported uploaded, each client once: counted as they arrive, and checked
    /// against what the combiners took when the round ends.
    /// </summary>
    public long UpdatesReceived { get; init; }

    /// <summary>Updates aggregated into the model.</summary>
    public long UpdatesAggregated { get; init; }

    /// <summary>Updates refused (late, duplicate, unassigned, invalid).</summary>
    public long UpdatesRejected { get; init; }

    /// <summary>What the round moved over the network (set as its tasks go out and when it ends).</summary>
    public RoundTraffic? Traffic { get; init; }

    /// <summary>What each combiner did.</summary>
    public IReadOnlyList<ShardFigures> Shards { get; init; } = [];

    /// <summary>Example-weighted means of the training metrics clients reported with their updates (for example loss).</summary>
    public IReadOnlyDictionary<string, double>? TrainingMetrics { get; init; }

    /// <summary>Example-weighted validation metrics of the committed model (for example accuracy, loss).</summary>
    public IReadOnlyDictionary<string, double>? ValidationMetrics { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the clients' time to answer runs out.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>When it committed or failed.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it failed, for people.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// Set on a committed round whose model rests on fewer updates than were refused: most of the
    /// clients that answered sent something the session could not use (a model of another shape,
    /// NaN values, a failed trainer). Names them and why. The model is committed, but it is likely
    /// not what the session was meant to train.
    /// </summary>
    public string? Warning { get; init; }
}

/// <summary>The steps of a round.</summary>
public enum RoundStatus
{
    /// <summary>Clients chosen and split into shards.</summary>
    Planned,

    /// <summary>Tasks sent; combiners aggregating.</summary>
    Training,

    /// <summary>Partials being merged into the new model.</summary>
    Reducing,

    /// <summary>The new model is being validated.</summary>
    Validating,

    /// <summary>The new model is on the trail.</summary>
    Committed,

    /// <summary>The round did not produce a model (see <see cref="RoundRecord.Message"/>).</summary>
    Failed,

    /// <summary>The session was stopped during the round; no model was committed.</summary>
    Stopped,
}

/// <summary>One combiner's share of a round.</summary>
/// <param name="Shard">The shard number, from 0.</param>
/// <param name="Expected">Clients assigned to the shard.</param>
/// <param name="Aggregated">Updates it aggregated.</param>
/// <param name="Rejected">Updates it refused.</param>
/// <param name="Examples">Training examples behind its partial.</param>
/// <param name="Seconds">How long it ran.</param>
/// <param name="ClosedBy">Why it closed: <c>expected</c> (everyone answered), <c>quorum</c> (its share of the quorum plus the grace period) or <c>deadline</c>.</param>
/// <param name="Arrivals">When its updates arrived: the count aggregated so far at each point, oldest first (at most <see cref="ArrivalCurve.MaxPoints"/> points).</param>
/// <param name="BytesUp">Bytes of the updates it read, refused ones included.</param>
public sealed record ShardFigures(int Shard, int Expected, int Aggregated, int Rejected, long Examples, double Seconds, string? ClosedBy = null, IReadOnlyList<ArrivalPoint>? Arrivals = null, long BytesUp = 0);

/// <summary>By <paramref name="At"/>, <paramref name="Aggregated"/> updates of a shard had been aggregated.</summary>
public sealed record ArrivalPoint(DateTimeOffset At, int Aggregated);
