using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace FedN.Orchestration.DurableTask;

/// <summary>
/// FedN's orchestration client on the Durable Task SDK's <see cref="DurableTaskClient"/> (Durable
/// Functions, the in-process test host, the Durable Task Framework): payloads go in as JSON FedN wrote
/// and instances come back as <see cref="OrchestrationInstance"/>.
/// </summary>
public sealed class DurableTaskOrchestrationClient(DurableTaskClient durable) : IOrchestrationClient
{
    /// <inheritdoc/>
    /// <remarks>
    /// Durable would restart a finished instance scheduled again under its id; the port promises that
    /// starting an existing id changes nothing, so an existing instance is returned as it is.
    /// </remarks>
    public async Task<string> StartAsync<TInput, TOutput>(OrchestratorName<TInput, TOutput> orchestrator, string instanceId, TInput input = default!, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return instanceId;
        }

        return await durable.ScheduleNewOrchestrationInstanceAsync(orchestrator.Name, DurableJson.ToJson(input), new StartOrchestrationOptions(instanceId), cancellationToken);
    }

    /// <inheritdoc/>
    public Task RaiseEventAsync(string instanceId, string name, object? payload = null, CancellationToken cancellationToken = default) =>
        durable.RaiseEventAsync(instanceId, name, DurableJson.ToJson(payload), cancellationToken);

    /// <inheritdoc/>
    public async Task<OrchestrationInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is { } metadata ? ToInstance(metadata) : null;

    /// <inheritdoc/>
    public async Task<OrchestrationInstance> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
        ToInstance(await durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken));

    private static OrchestrationInstance ToInstance(OrchestrationMetadata metadata) => new()
    {
        InstanceId = metadata.InstanceId,
        Name = metadata.Name,
        Status = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => OrchestrationStatus.Completed,
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => OrchestrationStatus.Failed,
            _ => OrchestrationStatus.Running,
        },
        Input = DurableJson.Parse(metadata.SerializedInput),
        Output = DurableJson.Parse(metadata.SerializedOutput),
        Error = metadata.FailureDetails?.ErrorMessage
            ?? (metadata.RuntimeStatus is OrchestrationRuntimeStatus.Terminated ? $"the instance was {metadata.RuntimeStatus.ToString().ToLowerInvariant()}" : null),
        CustomStatus = DurableJson.Parse(metadata.SerializedCustomStatus),
        CreatedAt = metadata.CreatedAt,
        // Durable keeps no generation count or start; the instance's creation stands in for both.
        GenerationStartedAt = metadata.CreatedAt,
        UpdatedAt = metadata.LastUpdatedAt,
    };
}
