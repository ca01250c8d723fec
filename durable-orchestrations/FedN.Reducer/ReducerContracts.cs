using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Core.Aggregation;

namespace FedN.Reducer;

// The small JSON values orchestrators and activities pass to each other: ids, paths, counts and
// times, never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below).

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

/// <summary>Input of the plan activity.</summary>
public sealed record PlanRequest(string SessionId, int Round, int Attempt, SessionConfig Config, string ModelId, DateTimeOffset Deadline);

/// <summary>Whether a plan was made.</summary>
public enum PlanStatus
{
    /// <summary>Clients chosen; tasks can go out.</summary>
    Planned,

    /// <summary>Too few clients are online: look again later.</summary>
    Waiting,

    /// <summary>The session is being stopped: plan nothing.</summary>
    Stopped,
}

/// <summary>Output of the plan activity.</summary>
/// <param name="Status">Whether a plan was made.</param>
/// <param name="Eligible">Clients online and allowed.</param>
/// <param name="Shards">Per shard: clients assigned, and its share of the quorum.</param>
public sealed record PlanResult(PlanStatus Status, int Eligible, IReadOnlyList<ShardPlan> Shards);

/// <summary>One shard of a plan.</summary>
/// <param name="Shard">Its number, from 0.</param>
/// <param name="Expected">Clients assigned to it.</param>
/// <param name="Quorum">Its share of the session's minimum clients.</param>
public sealed record ShardPlan(int Shard, int Expected, int Quorum);

/// <summary>The plan as stored: the clients of each shard.</summary>
public sealed record RoundPlan(IReadOnlyList<IReadOnlyList<string>> Shards);

/// <summary>Input of the dispatch activity: send <paramref name="Kind"/> tasks to the plan's clients.</summary>
public sealed record DispatchRequest(string SessionId, int Round, int Attempt, ClientTaskKind Kind, string ModelId, string ModelPath, DateTimeOffset Deadline)
{
    /// <summary>The model file's SHA-256, sent with the tasks so clients check their download.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>The most bytes an update upload takes; the dispatch sets it from the model's size before the request is stored.</summary>
    public long? MaxUpdateBytes { get; init; }
}

/// <summary>Input of the combine activity for one shard.</summary>
public sealed record CombineRequest
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

    /// <summary>Assigned clients with no update in the partial, each with why ("c3 (no answer)", "c4 (the client could not train: …)"), at most <see cref="MaxUndelivered"/>.</summary>
    public IReadOnlyList<string> Undelivered { get; init; } = [];

    /// <summary>Most clients <see cref="Undelivered"/> names.</summary>
    public const int MaxUndelivered = 20;
}

/// <summary>Input of the reduce activity.</summary>
public sealed record ReduceRequest
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round.</summary>
    public required int Round { get; init; }

    /// <summary>The aggregator.</summary>
    public required string Aggregator { get; init; }

    /// <summary>Its hyperparameters.</summary>
    public AggregatorHyperparameters? Hyperparameters { get; init; }

    /// <summary>The current global model.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The optimizer state so far.</summary>
    public string? OptimizerStatePath { get; init; }

    /// <summary>The shards' partials.</summary>
    public required IReadOnlyList<string> Partials { get; init; }

    /// <summary>The id the new model will have.</summary>
    public required string NewModelId { get; init; }
}

/// <summary>Output of the reduce activity.</summary>
public sealed record ReduceResult(string ModelPath, long SizeBytes, string? OptimizerStatePath, int Count, double TotalWeight)
{
    /// <summary>The new model file's SHA-256, recorded on the trail.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>Input of the validation collector.</summary>
public sealed record CollectValidationsRequest(string SessionId, int Round, string ModelId, int Expected, DateTimeOffset Deadline);

/// <summary>Validation reports of a round and their example-weighted means.</summary>
public sealed record ValidationSummary(int Reports, long Examples, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Input of the commit activity.</summary>
public sealed record CommitRequest
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

/// <summary>Input of the close-round activity: the round ends without a model.</summary>
public sealed record CloseRoundRequest(string SessionId, int Round, int Attempt, string ModelId, RoundStatus Status, string Message, IReadOnlyList<ShardResult> Shards);

/// <summary>Input of the retention activity, after round <paramref name="Round"/> committed (or, <see cref="Abandoned"/>, after the session ended during it).</summary>
public sealed record RetentionRequest(string SessionId, int Round, int Attempts, int Shards, int KeepRounds)
{
    /// <summary>The session ended without committing round <see cref="RetentionRequest.Round"/>: its attempts' working data and queues go, and nothing else.</summary>
    public bool Abandoned { get; init; }
}

/// <summary>Input of the activity that records where a session is.</summary>
public sealed record SessionStatusRequest(string SessionId, SessionStatus Status, string? Message);
