namespace FedN.Orchestration;

/// <summary>
/// What an orchestrator may do, with the semantics of Durable Functions'
/// <c>TaskOrchestrationContext</c>, so the same orchestrator runs on Azure (one-to-one adapter) and
/// on the local runner.
/// </summary>
/// <remarks>
/// Orchestrators are replayed: after a restart they run again from the start and every step that
/// already completed returns its recorded result. They must therefore be deterministic: no
/// <c>DateTime.UtcNow</c> (use <see cref="CurrentUtcDateTime"/>), no <c>Guid.NewGuid</c> (use
/// <see cref="NewGuid"/>), no random numbers, I/O, <c>Task.Run</c>, <c>Task.Delay</c> (use
/// <see cref="CreateTimer"/>), <c>ConfigureAwait(false)</c> or mutable statics. Inputs and outputs
/// are small JSON values: references to blobs, never tensors.
/// </remarks>
public interface IOrchestrationContext
{
    /// <summary>The instance being run.</summary>
    string InstanceId { get; }

    /// <summary>The current time, the same on every replay.</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>Whether the orchestrator is replaying recorded steps (for example, to keep logs quiet).</summary>
    bool IsReplaying { get; }

    /// <summary>The instance's input.</summary>
    T? GetInput<T>();

    /// <summary>Runs an activity (at least once; activities must be idempotent) and returns its result.</summary>
    /// <exception cref="ActivityFailedException">It failed on its last allowed attempt.</exception>
    Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, RetryPolicy? retry = null);

    /// <summary>Runs another orchestration as a child instance and returns its output.</summary>
    /// <exception cref="ActivityFailedException">The child failed.</exception>
    Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, string? instanceId = null);

    /// <summary>A task that completes at <paramref name="fireAt"/> (UTC), or is canceled through <paramref name="cancellationToken"/>.</summary>
    Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>Waits for the next event called <paramref name="name"/> (case-insensitive) raised to this instance.</summary>
    Task<T> WaitForExternalEvent<T>(string name, CancellationToken cancellationToken = default);

    /// <summary>Raises event <paramref name="name"/> to another instance, without waiting (sent once, even across replays).</summary>
    void SendEvent(string instanceId, string name, object? payload = null);

    /// <summary>Publishes a small status object for monitoring.</summary>
    void SetCustomStatus(object? status);

    /// <summary>Restarts the orchestration with <paramref name="newInput"/> and an empty history once the current run returns.</summary>
    void ContinueAsNew(object? newInput);

    /// <summary>A GUID that is the same on every replay.</summary>
    Guid NewGuid();
}
