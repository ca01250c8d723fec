using System.Collections.Concurrent;

namespace FedN.Storage;

/// <summary>
/// Tells waiting consumers of a queue that this process just enqueued a message on it, so a
/// consumer on the same node wakes at once instead of at its next poll. Messages enqueued by other
/// processes give no signal: for those, consumers still poll.
/// </summary>
public sealed class QueueArrivals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next <see cref="Signal"/> of <paramref name="queue"/>. Take it before looking at the queue, so an arrival in between is not missed.</summary>
    public Task Next(string queue) => _next.GetOrAdd(queue, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes everyone waiting on <paramref name="queue"/>.</summary>
    public void Signal(string queue)
    {
        if (_next.TryRemove(queue, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
