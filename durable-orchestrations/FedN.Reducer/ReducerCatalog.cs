using FedN.Orchestration;
using FedN.Reducer.Activities;
using FedN.Reducer.Orchestrators;

namespace FedN.Reducer;

/// <summary>Registers the reducer's orchestrators and activities, under <see cref="ReducerTasks"/>, in a host's catalog.</summary>
public static class ReducerCatalog
{
    /// <summary>Adds every orchestrator and activity of the reducer.</summary>
    public static OrchestrationCatalog AddReducer(this OrchestrationCatalog catalog, ReducerStores stores, ReducerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stores);
        options ??= new ReducerOptions();
        return catalog
            .AddOrchestrator(ReducerTasks.Session, () => new SessionOrchestrator(options))
            .AddOrchestrator(ReducerTasks.Round, () => new RoundOrchestrator(options))
            .AddActivity(ReducerTasks.Plan, new PlanActivity(stores).RunAsync)
            .AddActivity(ReducerTasks.Dispatch, new DispatchActivity(stores, options).RunAsync)
            .AddActivity(ReducerTasks.Combine, new CombineActivity(stores, options).RunAsync)
            .AddActivity(ReducerTasks.Reduce, new ReduceActivity(stores).RunAsync)
            .AddActivity(ReducerTasks.CollectValidations, new CollectValidationsActivity(stores, options).RunAsync)
            .AddActivity(ReducerTasks.Commit, new CommitActivity(stores, options).RunAsync)
            .AddActivity(ReducerTasks.CloseRound, new CloseRoundActivity(stores, options).RunAsync)
            .AddActivity(ReducerTasks.Retention, new RetentionActivity(stores).RunAsync)
            .AddActivity(ReducerTasks.SetSessionStatus, new SetSessionStatusActivity(stores, options).RunAsync);
    }
}
