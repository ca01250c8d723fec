using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DtfxStatus = global::DurableTask.Core.OrchestrationStatus;

namespace FedN.Orchestration.AzureStorage;

/// <summary>FedN's orchestration client on the Durable Task Framework's <see cref="TaskHubClient"/> (there is no SDK client for this engine).</summary>
public sealed class TaskHubOrchestrationClient : IOrchestrationClient
{
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromMilliseconds(250);
    private readonly TaskHubClient _client;

    /// <summary>Creates the client over a task hub's service client.</summary>
    public TaskHubOrchestrationClient(IOrchestrationServiceClient serviceClient) =>
        _client = new TaskHubClient(serviceClient ?? throw new ArgumentNullException(nameof(serviceClient)), DurableJsonDataConverter.Instance);

    /// <inheritdoc/>
    /// <remarks>An existing instance, finished or not, is returned as it is: the port promises that starting an existing id changes nothing.</remarks>
    public async Task<string> StartAsync<TInput, TOutput>(OrchestratorName<TInput, TOutput> orchestrator, string instanceId, TInput input = default!, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        if (await _client.GetOrchestrationStateAsync(instanceId) is not null)
        {
            return instanceId;
        }

        try
        {
            await _client.CreateOrchestrationInstanceAsync(orchestrator.Name, version: string.Empty, instanceId, input);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Started by another node between the check and the call.
        }

        return instanceId;
    }

    /// <inheritdoc/>
    public Task RaiseEventAsync(string instanceId, string name, object? payload = null, CancellationToken cancellationToken = default) =>
        _client.RaiseEventAsync(new global::DurableTask.Core.OrchestrationInstance { InstanceId = instanceId }, name, payload!);

    /// <inheritdoc/>
    public async Task<OrchestrationInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        await _client.GetOrchestrationStateAsync(instanceId) is { } state ? ToInstance(state) : null;

    /// <inheritdoc/>
    public Task<OrchestrationInstance> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
        this.PollUntilFinishedAsync(instanceId, CompletionPoll, cancellationToken: cancellationToken);

    private static OrchestrationInstance ToInstance(OrchestrationState state) => new()
    {
        InstanceId = state.OrchestrationInstance.InstanceId,
        Name = state.Name,
        Status = state.OrchestrationStatus switch
        {
            DtfxStatus.Completed => OrchestrationStatus.Completed,
            DtfxStatus.Failed or DtfxStatus.Terminated or DtfxStatus.Canceled => OrchestrationStatus.Failed,
            _ => OrchestrationStatus.Running,
        },
        Input = DurableJson.Parse(state.Input),
        Output = state.OrchestrationStatus == DtfxStatus.Completed ? DurableJson.Parse(state.Output) : null,
        Error = state.OrchestrationStatus switch
        {
            DtfxStatus.Failed => state.FailureDetails?.ErrorMessage ?? state.Output,
            DtfxStatus.Terminated or DtfxStatus.Canceled => $"the instance was {state.OrchestrationStatus.ToString().ToLowerInvariant()}",
            _ => null,
        },
        CustomStatus = DurableJson.Parse(state.Status),
        CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
        // The provider keeps no generation count; the instance's creation stands in for the generation's start.
        GenerationStartedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
        UpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
    };
}
