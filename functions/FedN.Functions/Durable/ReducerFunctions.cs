using FedN.Orchestration;
using FedN.Reducer;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace FedN.Functions.Durable;

/// <summary>
/// The reducer on Durable Functions: one orchestration trigger per orchestrator and one activity
/// trigger per activity, under the names orchestrators call (<see cref="ReducerNames"/>). Each runs the
/// registration in <see cref="OrchestrationCatalog"/> by its typed name (<see cref="ReducerTasks"/>): the
/// same orchestrator classes on Durable's own context, and the same activities, as every other engine.
/// Retries are the caller's (the orchestrators pass <see cref="ReducerOptions.ActivityRetry"/>), as
/// Durable does. Payloads are FedN's JSON: Program sets the worker's serializer, which the Durable
/// extension uses for inputs, outputs and history.
/// </summary>
/// <remarks>
/// Function-based triggers rather than class-based <c>[DurableTask]</c> ones: those reach
/// functions.metadata only through Microsoft.DurableTask.Generators, which the package source here lacks.
/// </remarks>
public sealed class ReducerFunctions(OrchestrationCatalog catalog)
{
    /// <summary>Runs a session's rounds.</summary>
    [Function(ReducerNames.SessionOrchestrator)]
    public Task<SessionOutcome> SessionAsync([OrchestrationTrigger] TaskOrchestrationContext context) => catalog.RunOrchestratorAsync(ReducerTasks.Session, context);

    /// <summary>Runs one attempt at a round.</summary>
    [Function(ReducerNames.RoundOrchestrator)]
    public Task<RoundOutcome> RoundAsync([OrchestrationTrigger] TaskOrchestrationContext context) => catalog.RunOrchestratorAsync(ReducerTasks.Round, context);

    /// <summary>Plans a round.</summary>
    [Function(ReducerNames.Plan)]
    public Task<PlanResult> PlanAsync([ActivityTrigger] PlanRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.Plan, input, context.CancellationToken);

    /// <summary>Sends tasks.</summary>
    [Function(ReducerNames.Dispatch)]
    public Task<int> DispatchAsync([ActivityTrigger] DispatchRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.Dispatch, input, context.CancellationToken);

    /// <summary>One combiner.</summary>
    [Function(ReducerNames.Combine)]
    public Task<ShardResult> CombineAsync([ActivityTrigger] CombineRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.Combine, input, context.CancellationToken);

    /// <summary>Merges partials and applies the server optimizer.</summary>
    [Function(ReducerNames.Reduce)]
    public Task<ReduceResult> ReduceAsync([ActivityTrigger] ReduceRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.Reduce, input, context.CancellationToken);

    /// <summary>Collects validations.</summary>
    [Function(ReducerNames.CollectValidations)]
    public Task<ValidationSummary> CollectValidationsAsync([ActivityTrigger] CollectValidationsRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.CollectValidations, input, context.CancellationToken);

    /// <summary>Commits the new model.</summary>
    [Function(ReducerNames.Commit)]
    public Task<bool> CommitAsync([ActivityTrigger] CommitRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.Commit, input, context.CancellationToken);

    /// <summary>Records a round that ended without a model.</summary>
    [Function(ReducerNames.CloseRound)]
    public Task<bool> CloseRoundAsync([ActivityTrigger] CloseRoundRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.CloseRound, input, context.CancellationToken);

    /// <summary>Deletes old rounds' working data.</summary>
    [Function(ReducerNames.Retention)]
    public Task<int> RetentionAsync([ActivityTrigger] RetentionRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.Retention, input, context.CancellationToken);

    /// <summary>Records a session's status.</summary>
    [Function(ReducerNames.SetSessionStatus)]
    public Task<bool> SetSessionStatusAsync([ActivityTrigger] SessionStatusRequest input, FunctionContext context) => catalog.RunActivityAsync(ReducerTasks.SetSessionStatus, input, context.CancellationToken);
}
