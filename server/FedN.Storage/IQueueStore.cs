namespace FedN.Storage;

/// <summary>
/// Queues of small text messages with at-least-once delivery: Azure Queue Storage, or the embedded
/// server's database. FedN uses one per round shard as the combiner's intake ("update ready"
/// notices), so arrivals never become orchestration events.
/// </summary>
/// <remarks>
/// A received message is hidden for the visibility timeout, then delivered again unless it was
/// deleted: a consumer that dies mid-batch loses nothing. Order is not guaranteed. Queue names
/// follow <see cref="QueueName"/>; a queue comes into being with its first message.
/// </remarks>
public interface IQueueStore
{
    /// <summary>Adds <paramref name="message"/> (at most <see cref="QueueLimits.MaxMessageBytes"/> bytes of UTF-8) to the queue.</summary>
    Task EnqueueAsync(string queue, string message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="maxMessages"/> (1 to <see cref="QueueLimits.MaxReceiveBatch"/>)
    /// visible messages and hides them for <paramref name="visibilityTimeout"/>. Returns an empty
    /// list when there are none (or the queue does not exist).
    /// </summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a received message. Returns <see langword="false"/> when it is gone or its receipt is
    /// stale (it became visible again and someone else received it): that consumer now owns it.
    /// </summary>
    Task<bool> DeleteMessageAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when this process next enqueues a message on <paramref name="queue"/>: a consumer
    /// takes it before a receive that finds nothing, and waits on it (with its poll interval as the
    /// limit, for messages other processes enqueue) instead of sleeping a fixed time.
    /// </summary>
    Task NextArrival(string queue);

    /// <summary>Deletes the queue and every message in it; nothing happens if it does not exist.</summary>
    Task DeleteQueueAsync(string queue, CancellationToken cancellationToken = default);
}

/// <summary>A received message.</summary>
/// <param name="Id">The message's id in its queue.</param>
/// <param name="Receipt">Proof of this delivery, needed to delete it.</param>
/// <param name="Body">The text that was enqueued.</param>
/// <param name="DequeueCount">How many times it has been delivered, this time included.</param>
public sealed record QueueMessage(string Id, string Receipt, string Body, long DequeueCount);
