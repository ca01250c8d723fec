namespace FedN.Orchestration;

/// <summary>Conveniences built only from <see cref="IOrchestrationContext"/>'s primitives, so they replay the same everywhere.</summary>
public static class OrchestrationContextExtensions
{
    /// <summary>A timer that fires after <paramref name="delay"/> (from <see cref="IOrchestrationContext.CurrentUtcDateTime"/>).</summary>
    public static Task CreateTimer(this IOrchestrationContext context, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.CreateTimer(context.CurrentUtcDateTime + delay, cancellationToken);
    }

    /// <summary>
    /// Waits for an event, at most <paramref name="timeout"/>; as in Durable Functions, the task throws
    /// <see cref="TaskCanceledException"/> when the time runs out.
    /// </summary>
    public static async Task<T> WaitForExternalEvent<T>(this IOrchestrationContext context, string name, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var cancelTimer = new CancellationTokenSource();
        using var cancelWait = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime + timeout, cancelTimer.Token);
        var wait = context.WaitForExternalEvent<T>(name, cancelWait.Token);
        // Cancel synchronously: CancelAsync would run the cancellation on the thread pool, outside
        // the orchestrator's single logical thread, and break replay.
        if (await Task.WhenAny(wait, timer) == wait)
        {
            cancelTimer.Cancel();
            return await wait;
        }

        cancelWait.Cancel();
        throw new TaskCanceledException($"no '{name}' event arrived within {timeout}");
    }
}
