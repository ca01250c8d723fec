namespace FedN.Reducer;

/// <summary>The names under which the reducer's orchestrators and activities are registered, on every host; call them through <see cref="ReducerTasks"/>, which adds their types.</summary>
public static class ReducerNames
{
    /// <summary>Runs a session's rounds.</summary>
    public const string SessionOrchestrator = "fedn-session";

    /// <summary>Runs one attempt at a round.</summary>
    public const string RoundOrchestrator = "fedn-round";

    /// <summary>Chooses the round's clients and splits them into shards.</summary>
    public const string Plan = "fedn-plan";

    /// <summary>Sends train or validate tasks to the planned clients.</summary>
    public const string Dispatch = "fedn-dispatch";

    /// <summary>One combiner: aggregates its shard's updates into a partial.</summary>
    public const string Combine = "fedn-combine";

    /// <summary>Merges the partials and applies the server optimizer.</summary>
    public const string Reduce = "fedn-reduce";

    /// <summary>Waits for the clients' validations of the new model and sums them up.</summary>
    public const string CollectValidations = "fedn-collect-validations";

    /// <summary>Puts the new model on the trail, unless the session is being stopped.</summary>
    public const string Commit = "fedn-commit";

    /// <summary>Records a round that ended without a model.</summary>
    public const string CloseRound = "fedn-close-round";

    /// <summary>Deletes working data of old rounds.</summary>
    public const string Retention = "fedn-retention";

    /// <summary>Records a session's status.</summary>
    public const string SetSessionStatus = "fedn-set-session-status";

    /// <summary>The event that asks a session (and its running round) to stop.</summary>
    public const string StopEvent = "stop";

    /// <summary>Every activity name.</summary>
    public static IReadOnlyList<string> Activities { get; } = [Plan, Dispatch, Combine, Reduce, CollectValidations, Commit, CloseRound, Retention, SetSessionStatus];

    /// <summary>Every orchestrator name.</summary>
    public static IReadOnlyList<string> Orchestrators { get; } = [SessionOrchestrator, RoundOrchestrator];
}
