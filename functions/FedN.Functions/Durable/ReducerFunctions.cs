using System.Text.Json;
using FedN.Orchestration;
using FedN.Reducer;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace FedN.Functions.Durable;

/// <summary>
/// The reducer on Durable Functions: one orchestration trigger per orchestrator and one activity
/// trigger per activity, under the names orchestrators call (<see cref="ReducerNames"/>). Each runs the
/// registration in <see cref="OrchestrationCatalog"/>, so the logic is the local server's. Retries are
/// the caller's (the orchestrators pass <see cref="ReducerOptions.ActivityRetry"/>), as Durable does.
/// </summary>
public sealed class ReducerFunctions(OrchestrationCatalog catalog)
{
    /// <summary>Runs a session's rounds.</summary>
    [Function(ReducerNames.SessionOrchestrator)]
    public Task<JsonElement?> SessionAsync([OrchestrationTrigger] TaskOrchestrationContext context) => OrchestrateAsync(ReducerNames.SessionOrchestrator, context);

    /// <summary>Runs one attempt at a round.</summary>
    [Function(ReducerNames.RoundOrchestrator)]
    public Task<JsonElement?> RoundAsync([OrchestrationTrigger] TaskOrchestrationContext context) => OrchestrateAsync(ReducerNames.RoundOrchestrator, context);

    /// <summary>Plans a round.</summary>
    [Function(ReducerNames.Plan)]
    public Task<JsonElement?> PlanAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.Plan, input, context);

    /// <summary>Sends tasks.</summary>
    [Function(ReducerNames.Dispatch)]
    public Task<JsonElement?> DispatchAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.Dispatch, input, context);

    /// <summary>One combiner.</summary>
    [Function(ReducerNames.Combine)]
    public Task<JsonElement?> CombineAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.Combine, input, context);

    /// <summary>Merges partials and applies the server optimizer.</summary>
    [Function(ReducerNames.Reduce)]
    public Task<JsonElement?> ReduceAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.Reduce, input, context);

    /// <summary>Collects validations.</summary>
    [Function(ReducerNames.CollectValidations)]
    public Task<JsonElement?> CollectValidationsAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.CollectValidations, input, context);

    /// <summary>Commits the new model.</summary>
    [Function(ReducerNames.Commit)]
    public Task<JsonElement?> CommitAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.Commit, input, context);

    /// <summary>Records a round that ended without a model.</summary>
    [Function(ReducerNames.CloseRound)]
    public Task<JsonElement?> CloseRoundAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.CloseRound, input, context);

    /// <summary>Deletes old rounds' working data.</summary>
    [Function(ReducerNames.Retention)]
    public Task<JsonElement?> RetentionAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.Retention, input, context);

    /// <summary>Records a session's status.</summary>
    [Function(ReducerNames.SetSessionStatus)]
    public Task<JsonElement?> SetSessionStatusAsync([ActivityTrigger] JsonElement input, FunctionContext context) => RunAsync(ReducerNames.SetSessionStatus, input, context);

    private Task<JsonElement?> OrchestrateAsync(string name, TaskOrchestrationContext context) =>
        catalog.RunOrchestratorAsync(name, new DurableOrchestrationContext(context));

    private Task<JsonElement?> RunAsync(string name, JsonElement input, FunctionContext context) =>
        catalog.RunActivityAsync(name, input, context.CancellationToken);
}
