using Microsoft.DurableTask;

namespace FedN.Orchestration;

/// <summary>Typed calls on the Durable Task SDK's context: the task's name fixes what goes in and what comes out.</summary>
public static class TaskOrchestrationContextExtensions
{
    /// <summary>Runs <paramref name="activity"/> (at least once: activities are idempotent) and returns its result.</summary>
    /// <exception cref="TaskFailedException">It failed on its last allowed attempt.</exception>
    public static Task<TOutput> CallAsync<TInput, TOutput>(this TaskOrchestrationContext context, ActivityName<TInput, TOutput> activity, TInput input, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(activity);
        return context.CallActivityAsync<TOutput>(activity.Name, input, options);
    }

    /// <summary>Runs <paramref name="orchestrator"/> as a child instance (<see cref="SubOrchestrationOptions.InstanceId"/> names it) and returns its output.</summary>
    /// <exception cref="TaskFailedException">The child failed.</exception>
    public static Task<TOutput> CallAsync<TInput, TOutput>(this TaskOrchestrationContext context, OrchestratorName<TInput, TOutput> orchestrator, TInput input, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(orchestrator);
        return context.CallSubOrchestratorAsync<TOutput>(orchestrator.Name, input, options);
    }
}
