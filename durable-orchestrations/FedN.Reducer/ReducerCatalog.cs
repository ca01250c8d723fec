using FedN.Orchestration;
using FedN.Reducer.Activities;
using FedN.Reducer.Orchestrators;
using FedN.Reducer.Telemetry;

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
            .AddRoundStep(ReducerTasks.Plan, "plan", new PlanActivity(stores).RunAsync)
            .AddRoundStep(ReducerTasks.Dispatch, "dispatch", new DispatchActivity(stores, options).RunAsync)
            .AddRoundStep(ReducerTasks.Combine, "combine", new CombineActivity(stores, options).RunAsync)
            .AddRoundStep(ReducerTasks.Reduce, "reduce", new ReduceActivity(stores).RunAsync)
            .AddRoundStep(ReducerTasks.CollectValidations, "validate", new CollectValidationsActivity(stores, options).RunAsync)
            .AddRoundStep(ReducerTasks.Commit, "commit", new CommitActivity(stores, options).RunAsync)
            .AddRoundStep(ReducerTasks.CloseRound, "close", new CloseRoundActivity(stores, options).RunAsync)
            .AddActivity(ReducerTasks.Retention, new RetentionActivity(stores).RunAsync)
            .AddActivity(ReducerTasks.SetSessionStatus, new SetSessionStatusActivity(stores, options).RunAsync);
    }
}
