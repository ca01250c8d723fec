namespace Microsoft.DurableTask;

/// <summary>Facade (Abstractions): what an orchestrator may do.</summary>
public abstract class TaskOrchestrationContext
{
    public abstract TaskName Name { get; }

    public abstract string InstanceId { get; }

    public abstract DateTime CurrentUtcDateTime { get; }

    public abstract bool IsReplaying { get; }

    public abstract T? GetInput<T>();

    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null);

    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    public abstract void SendEvent(string instanceId, string eventName, object payload);

    public abstract void SetCustomStatus(object? customStatus);

    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    public abstract Guid NewGuid();
}

/// <summary>Facade (Abstractions): an orchestrator's or activity's name.</summary>
public readonly struct TaskName : IEquatable<TaskName>
{
    public TaskName(string name) => throw FacadeException.Create();

    public string Name => throw FacadeException.Create();

    public static implicit operator TaskName(string name) => throw FacadeException.Create();

    public static implicit operator string(TaskName name) => throw FacadeException.Create();

    public static bool operator ==(TaskName a, TaskName b) => throw FacadeException.Create();

    public static bool operator !=(TaskName a, TaskName b) => throw FacadeException.Create();

    public bool Equals(TaskName other) => throw FacadeException.Create();

    public override bool Equals(object? obj) => throw FacadeException.Create();

    public override int GetHashCode() => throw FacadeException.Create();

    public override string ToString() => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): how a task is scheduled.</summary>
public record TaskOptions
{
    public TaskOptions(TaskRetryOptions? retry = null, IDictionary<string, string>? tags = null) => throw FacadeException.Create();

    public TaskRetryOptions? Retry => throw FacadeException.Create();

    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => throw FacadeException.Create();

    public SubOrchestrationOptions WithInstanceId(string instanceId) => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): options of a sub-orchestration.</summary>
public record SubOrchestrationOptions : TaskOptions
{
    public SubOrchestrationOptions(TaskRetryOptions? retry = null, string? instanceId = null) => throw FacadeException.Create();

    public string? InstanceId => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): retries with backoff.</summary>
public class RetryPolicy
{
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null) => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): a retry policy or handler.</summary>
public sealed class TaskRetryOptions
{
    public TaskRetryOptions(RetryPolicy policy) => throw FacadeException.Create();

    public static implicit operator TaskRetryOptions(RetryPolicy policy) => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): how a task failed.</summary>
public record TaskFailureDetails
{
    public TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure) => throw FacadeException.Create();

    public string ErrorType => throw FacadeException.Create();

    public string ErrorMessage => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): an activity or sub-orchestration failed.</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails) => throw FacadeException.Create();

    public string TaskName => throw FacadeException.Create();

    public TaskFailureDetails FailureDetails => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): a sub-orchestration failed.</summary>
public sealed class SubOrchestrationFailedException : Exception
{
    public SubOrchestrationFailedException(string taskName, int taskId, TaskFailureDetails failureDetails) => throw FacadeException.Create();

    public string TaskName => throw FacadeException.Create();

    public TaskFailureDetails FailureDetails => throw FacadeException.Create();
}

/// <summary>Facade (Abstractions): options of a new instance.</summary>
public record StartOrchestrationOptions
{
    public StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null) => throw FacadeException.Create();

    public string? InstanceId => throw FacadeException.Create();
}

internal static class FacadeException
{
    public static NotSupportedException Create() => new("Durable Task facade: compile-only, never executed");
}
