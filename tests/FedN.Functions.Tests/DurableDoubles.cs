// Recording test doubles of the Durable Task types the adapters use, in the real namespaces and with
// the real signatures (microsoft/durabletask-dotnet src/Abstractions and src/Client/Core), so the
// shipped adapter sources compile against them unchanged. They behave as far as the tests need:
// values are kept, and calls are recorded by the test contexts and clients.
#pragma warning disable CA1716, CA1720, CA1815, CA2225, CA1033, CA1711, CA1822, IDE0060

namespace Microsoft.DurableTask
{
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

    public readonly record struct TaskName(string Name)
    {
        public static implicit operator TaskName(string name) => new(name);

        public static implicit operator string(TaskName name) => name.Name;

        public override string ToString() => Name;
    }

    public record TaskOptions(TaskRetryOptions? Retry = null, IDictionary<string, string>? Tags = null)
    {
        public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));
    }

    public record SubOrchestrationOptions : TaskOptions
    {
        public SubOrchestrationOptions(TaskRetryOptions? retry = null, string? instanceId = null)
            : base(retry) => InstanceId = instanceId;

        public string? InstanceId { get; init; }
    }

    public class RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        public int MaxNumberOfAttempts => maxNumberOfAttempts;

        public TimeSpan FirstRetryInterval => firstRetryInterval;

        public double BackoffCoefficient => backoffCoefficient;

        public TimeSpan MaxRetryInterval => maxRetryInterval ?? TimeSpan.FromHours(1);

        public TimeSpan RetryTimeout => retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    public sealed class TaskRetryOptions(RetryPolicy policy)
    {
        public RetryPolicy? Policy => policy;

        public static implicit operator TaskRetryOptions(RetryPolicy policy) => new(policy);
    }

    public record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure);

    public sealed class TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails) : Exception($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}")
    {
        public string TaskName => taskName;

        public TaskFailureDetails FailureDetails => failureDetails;
    }

    public sealed class SubOrchestrationFailedException(string taskName, int taskId, TaskFailureDetails failureDetails) : Exception($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}")
    {
        public string TaskName => taskName;

        public TaskFailureDetails FailureDetails => failureDetails;
    }

    public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);
}

namespace Microsoft.DurableTask.Client
{
    public abstract class DurableTaskClient
    {
        public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default);

        public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

        public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

        public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);
    }

    public sealed class OrchestrationMetadata(string name, string instanceId)
    {
        public string Name => name;

        public string InstanceId => instanceId;

        public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset LastUpdatedAt { get; init; }

        public string? SerializedInput { get; init; }

        public string? SerializedOutput { get; init; }

        public string? SerializedCustomStatus { get; init; }

        public TaskFailureDetails? FailureDetails { get; init; }
    }

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
}
