namespace FedN.Orchestration;

/// <summary>
/// Starting and talking to orchestration instances from outside them (the API, tests), with the
/// semantics of Durable Functions' <c>DurableTaskClient</c>: implemented by the local runner and, on
/// every Durable Task SDK engine (Functions included), by an adapter over <c>DurableTaskClient</c>.
/// </summary>
public interface IOrchestrationClient
{
    /// <summary>Starts an instance of <paramref name="orchestrator"/> with id <paramref name="instanceId"/>; starting an id that exists changes nothing.</summary>
    Task<string> StartAsync<TInput, TOutput>(OrchestratorName<TInput, TOutput> orchestrator, string instanceId, TInput input = default!, CancellationToken cancellationToken = default);

    /// <summary>Raises event <paramref name="name"/> to an instance; it is kept until the orchestrator waits for it.</summary>
    Task RaiseEventAsync(string instanceId, string name, object? payload = null, CancellationToken cancellationToken = default);

    /// <summary>The instance, or <see langword="null"/> when there is none.</summary>
    Task<OrchestrationInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the instance has completed or failed.</summary>
    Task<OrchestrationInstance> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default);
}
