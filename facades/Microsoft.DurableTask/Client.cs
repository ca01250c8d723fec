namespace Microsoft.DurableTask.Client;

/// <summary>Facade (Client): starts and queries orchestration instances.</summary>
public abstract class DurableTaskClient : IAsyncDisposable
{
    protected DurableTaskClient(string name) => throw FacadeException.Create();

    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default);

    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    public abstract ValueTask DisposeAsync();
}

/// <summary>Facade (Client): an instance's state.</summary>
public sealed class OrchestrationMetadata
{
    public OrchestrationMetadata(string name, string instanceId) => throw FacadeException.Create();

    public string Name => throw FacadeException.Create();

    public string InstanceId => throw FacadeException.Create();

    public OrchestrationRuntimeStatus RuntimeStatus { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }

    public DateTimeOffset CreatedAt { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }

    public DateTimeOffset LastUpdatedAt { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }

    public string? SerializedInput { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }

    public string? SerializedOutput { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }

    public string? SerializedCustomStatus { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }

    public TaskFailureDetails? FailureDetails { get => throw FacadeException.Create(); init => throw FacadeException.Create(); }
}

/// <summary>Facade (Client).</summary>
public enum OrchestrationRuntimeStatus
{
    Running,
    Completed,
    ContinuedAsNew,
    Failed,
    Canceled,
    Terminated,
    Pending,
    Suspended,
}
