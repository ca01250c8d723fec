using FedN.Contracts.Federation;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the plan activity.</summary>
public sealed record PlanRequest(string SessionId, int Round, int Attempt, SessionConfig Config, string ModelId, DateTimeOffset Deadline) : Telemetry.IRoundStep;

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
public sealed record RoundPlan(IReadOnlyList<IReadOnlyList<string>> Shards)
{
    /// <summary>
    /// A random seed drawn when the plan is made, kept with it on the server only: the noise of
    /// differential privacy comes from it, so a retried reduce adds the same noise and no client
    /// can predict it. <see langword="null"/> in plans made before it existed.
    /// </summary>
    public ulong? NoiseSeed { get; init; }
}
