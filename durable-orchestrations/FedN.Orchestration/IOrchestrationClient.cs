namespace FedN.Orchestration;

/// <summary>
/// Starting and talking to orchestration instances from outside them (the API, tests), with the
/// semantics of Durable Functions' <c>DurableTaskClient</c>: implemented by the local runner and,
/// on Azure, by an adapter over the Durable client.
/// </summary>
public interface IOrchestrationClient
{
    /// <summary>Starts an instance of orchestrator <paramref name="name"/> with id <paramref name="instanceId"/>; starting an id that exists changes nothing.</summary>
    Task<string> StartAsync(string name, string instanceId, object? input = null, CancellationToken cancellationToken = default);

    /// <summary>Raises event <paramref name="name"/> to an instance; it is kept until the orchestrator waits for it.</summary>
    Task RaiseEventAsync(string instanceId, string name, object? payload = null, CancellationToken cancellationToken = default);

    /// <summary>The instance, or <see langword="null"/> when there is none.</summary>
    Task<OrchestrationInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the instance has completed or failed.</summary>
    Task<OrchestrationInstance> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default);
}
