using FedN.Orchestration;

namespace FedN.Reducer;

/// <summary>
/// The reducer's orchestrators and activities with their input and output types: what the catalog
/// registers and what every call site calls, so a call with the wrong types does not compile. The
/// names are <see cref="ReducerNames"/>' constants (Functions' attributes need constants).
/// </summary>
public static class ReducerTasks
{
    /// <summary>Runs a session's rounds.</summary>
    public static OrchestratorName<SessionProgress, SessionOutcome> Session { get; } = new(ReducerNames.SessionOrchestrator);

    /// <summary>Runs one attempt at a round.</summary>
    public static OrchestratorName<RoundInput, RoundOutcome> Round { get; } = new(ReducerNames.RoundOrchestrator);

    /// <summary>Chooses the round's clients and splits them into shards.</summary>
    public static ActivityName<PlanRequest, PlanResult> Plan { get; } = new(ReducerNames.Plan);

    /// <summary>Sends train or validate tasks to the planned clients; returns how many were sent.</summary>
    public static ActivityName<DispatchRequest, int> Dispatch { get; } = new(ReducerNames.Dispatch);

    /// <summary>One combiner: aggregates its shard's updates into a partial.</summary>
    public static ActivityName<CombineRequest, ShardResult> Combine { get; } = new(ReducerNames.Combine);

    /// <summary>Merges the partials and applies the server optimizer.</summary>
    public static ActivityName<ReduceRequest, ReduceResult> Reduce { get; } = new(ReducerNames.Reduce);

    /// <summary>Waits for the clients' validations of the new model and sums them up.</summary>
    public static ActivityName<CollectValidationsRequest, ValidationSummary> CollectValidations { get; } = new(ReducerNames.CollectValidations);

    /// <summary>Puts the new model on the trail, unless the session is being stopped.</summary>
    public static ActivityName<CommitRequest, bool> Commit { get; } = new(ReducerNames.Commit);

    /// <summary>Records a round that ended without a model.</summary>
    public static ActivityName<CloseRoundRequest, bool> CloseRound { get; } = new(ReducerNames.CloseRound);

    /// <summary>Deletes working data of old rounds; returns how many blobs went.</summary>
    public static ActivityName<RetentionRequest, int> Retention { get; } = new(ReducerNames.Retention);

    /// <summary>Records a session's status.</summary>
    public static ActivityName<SessionStatusRequest, bool> SetSessionStatus { get; } = new(ReducerNames.SetSessionStatus);
}
