using FedN.Orchestration;
using FedN.Reducer.Activities;
using FedN.Reducer.Orchestrators;

namespace FedN.Reducer;

/// <summary>Registers the reducer's orchestrators and activities, under <see cref="ReducerNames"/>, in a host's catalog.</summary>
public static class ReducerCatalog
{
    /// <summary>Adds every orchestrator and activity of the reducer.</summary>
    public static OrchestrationCatalog AddReducer(this OrchestrationCatalog catalog, ReducerStores stores, ReducerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stores);
        options ??= new ReducerOptions();
        return catalog
            .AddOrchestrator<SessionProgress, SessionOutcome>(ReducerNames.SessionOrchestrator, new SessionOrchestrator(options).RunAsync)
            .AddOrchestrator<RoundInput, RoundOutcome>(ReducerNames.RoundOrchestrator, new RoundOrchestrator(options).RunAsync)
            .AddActivity<PlanRequest, PlanResult>(ReducerNames.Plan, new PlanActivity(stores).RunAsync)
            .AddActivity<DispatchRequest, int>(ReducerNames.Dispatch, new DispatchActivity(stores, options).RunAsync)
            .AddActivity<CombineRequest, ShardResult>(ReducerNames.Combine, new CombineActivity(stores, options).RunAsync)
            .AddActivity<ReduceRequest, ReduceResult>(ReducerNames.Reduce, new ReduceActivity(stores).RunAsync)
            .AddActivity<CollectValidationsRequest, ValidationSummary>(ReducerNames.CollectValidations, new CollectValidationsActivity(stores, options).RunAsync)
            .AddActivity<CommitRequest, bool>(ReducerNames.Commit, new CommitActivity(stores, options).RunAsync)
            .AddActivity<CloseRoundRequest, bool>(ReducerNames.CloseRound, new CloseRoundActivity(stores, options).RunAsync)
            .AddActivity<RetentionRequest, int>(ReducerNames.Retention, new RetentionActivity(stores).RunAsync)
            .AddActivity<SessionStatusRequest, bool>(ReducerNames.SetSessionStatus, new SetSessionStatusActivity(stores, options).RunAsync);
    }
}
