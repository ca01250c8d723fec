using FedN.Contracts.Federation;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the combine activity for one shard.</summary>
public sealed record CombineRequest : Telemetry.IRoundStep
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The shard.</summary>
    public required ShardPlan Shard { get; init; }

    /// <summary>When it closes whatever it has.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>How long it waits for stragglers once it has its quorum.</summary>
    public required TimeSpan QuorumGrace { get; init; }

    /// <summary>The aggregator.</summary>
    public required string Aggregator { get; init; }

    /// <summary>Its hyperparameters.</summary>
    public AggregatorHyperparameters? Hyperparameters { get; init; }

    /// <summary>The global model the updates must match.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Most examples one update weighs (<see cref="SessionConfig.MaxExampleWeight"/>).</summary>
    public long MaxExampleWeight { get; init; } = SessionConfig.DefaultMaxExampleWeight;

    /// <summary>Largest distance of an update from the global model (<see cref="SessionConfig.UpdateNormBound"/>), if bounded.</summary>
    public double? UpdateNormBound { get; init; }

    /// <summary>What an update beyond the bound does.</summary>
    public UpdateNormAction UpdateNormAction { get; init; }
}

/// <summary>What a combiner did (output of the combine activity, also stored next to its partial).</summary>
public sealed record ShardResult
{
    /// <summary>The shard.</summary>
    public required int Shard { get; init; }

    /// <summary>Clients assigned.</summary>
    public required int Expected { get; init; }

    /// <summary>Updates aggregated.</summary>
    public required int Aggregated { get; init; }

    /// <summary>Reports refused, each with a recorded reason.</summary>
    public required int Rejected { get; init; }

    /// <summary>Sum of the weights (training examples) aggregated.</summary>
    public required double TotalWeight { get; init; }

    /// <summary>Example-weighted sums of the training metrics the clients reported.</summary>
    public IReadOnlyDictionary<string, double> MetricSums { get; init; } = new Dictionary<string, double>();

    /// <summary>The partial aggregate.</summary>
    public required string PartialPath { get; init; }

    /// <summary>Why it stopped: <c>expected</c>, <c>quorum</c> or <c>deadline</c>.</summary>
    public required string ClosedBy { get; init; }

    /// <summary>How long it ran (the attempt that finished).</summary>
    public double Seconds { get; init; }

    /// <summary>When its updates arrived (see <see cref="ShardFigures.Arrivals"/>).</summary>
    public IReadOnlyList<ArrivalPoint> Arrivals { get; init; } = [];

    /// <summary>Assigned clients that answered but whose update was refused, or who reported they could not train.</summary>
    public int Refused { get; init; }

    /// <summary>
    /// Assigned clients whose update reached this combiner, aggregated or refused, each once. Exact
    /// where the intake's live count is not: a node that dies between queueing a report and counting
    /// it leaves the report counted by neither it nor the client's resend.
    /// </summary>
    public int Received { get; init; }

    /// <summary>Bytes of the updates of <see cref="Received"/>.</summary>
    public long BytesUp { get; init; }

    /// <summary>Assigned clients with no update in the partial, each with why ("c3 (no answer)", "c4 (the client could not train: …)"), at most <see cref="MaxUndelivered"/>.</summary>
    public IReadOnlyList<string> Undelivered { get; init; } = [];

    /// <summary>Why <see cref="Undelivered"/> names a client that never answered, as opposed to one whose answer was refused.</summary>
    public const string NoAnswer = "no answer";

    /// <summary>Most clients <see cref="Undelivered"/> names.</summary>
    public const int MaxUndelivered = 20;
}
