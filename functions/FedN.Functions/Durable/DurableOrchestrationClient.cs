using System.Text.Json;
using FedN.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace FedN.Functions.Durable;

/// <summary>
/// FedN's orchestration client on Durable Functions' <see cref="DurableTaskClient"/>: payloads go in as
/// JSON FedN wrote and instances come back as <see cref="OrchestrationInstance"/>.
/// </summary>
/// <remarks>Compiled into the tests too, against recording doubles of the Durable types.</remarks>
internal sealed class DurableOrchestrationClient(DurableTaskClient durable) : IOrchestrationClient
{
    /// <remarks>
    /// Durable would restart a finished instance scheduled again under its id; the port promises that
    /// starting an existing id changes nothing, so an existing instance is returned as it is.
    /// </remarks>
    public async Task<string> StartAsync(string name, string instanceId, object? input = null, CancellationToken cancellationToken = default)
    {
        if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return instanceId;
        }

        return await durable.ScheduleNewOrchestrationInstanceAsync(name, OrchestrationCatalog.ToJson(input), new StartOrchestrationOptions(instanceId), cancellationToken);
    }

    public Task RaiseEventAsync(string instanceId, string name, object? payload = null, CancellationToken cancellationToken = default) =>
        durable.RaiseEventAsync(instanceId, name, OrchestrationCatalog.ToJson(payload), cancellationToken);

    public async Task<OrchestrationInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is { } metadata ? ToInstance(metadata) : null;

    public async Task<OrchestrationInstance> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
        ToInstance(await durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken));

    private static OrchestrationInstance ToInstance(OrchestrationMetadata metadata) => new()
    {
        InstanceId = metadata.InstanceId,
        Name = metadata.Name,
        Status = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => OrchestrationStatus.Completed,
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled => OrchestrationStatus.Failed,
            _ => OrchestrationStatus.Running,
        },
        Input = Parse(metadata.SerializedInput),
        Output = Parse(metadata.SerializedOutput),
        Error = metadata.FailureDetails?.ErrorMessage
            ?? (metadata.RuntimeStatus is OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled ? $"the instance was {metadata.RuntimeStatus.ToString().ToLowerInvariant()}" : null),
        CustomStatus = Parse(metadata.SerializedCustomStatus),
        CreatedAt = metadata.CreatedAt,
        // Durable keeps no generation count or start; the instance's creation stands in for both.
        GenerationStartedAt = metadata.CreatedAt,
        UpdatedAt = metadata.LastUpdatedAt,
    };

    private static JsonElement? Parse(string? json) => string.IsNullOrEmpty(json) ? null : JsonDocument.Parse(json).RootElement.Clone();
}
