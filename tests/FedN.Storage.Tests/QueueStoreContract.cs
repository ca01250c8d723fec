using System.Collections.Concurrent;
using FedN.Storage;

namespace FedN.Storage.Tests;

/// <summary>What every <see cref="IQueueStore"/> must do: at-least-once delivery with visibility timeouts.</summary>
public abstract class QueueStoreContract
{
    /// <summary>A queue name no other test uses.</summary>
    private readonly string _queue = $"q-{Guid.NewGuid():N}";

    /// <summary>The store under test.</summary>
    protected abstract IQueueStore Store { get; }

    [Fact]
    public async Task Messages_round_trip_and_a_received_message_is_hidden()
    {
        string[] sent = ["""{"clientId":"c1","round":1}""", "naïve ünïcode ✓", "<xml> & 'quotes'", "", new string('x', QueueLimits.MaxMessageBytes)];
        foreach (var message in sent)
        {
            await Store.EnqueueAsync(_queue, message);
        }

        var received = await ReceiveAll(_queue, TimeSpan.FromMinutes(1));
        Assert.Equal(sent.Order(StringComparer.Ordinal), received.Select(m => m.Body).Order(StringComparer.Ordinal));
        Assert.All(received, m => Assert.Equal(1, m.DequeueCount));
        Assert.Empty(await Store.ReceiveAsync(_queue, 32, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_message_not_deleted_comes_back_after_its_visibility_timeout_and_the_old_receipt_is_stale()
    {
        await Store.EnqueueAsync(_queue, "update ready");
        var first = Assert.Single(await Store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(1.6));
        var second = Assert.Single(await Store.ReceiveAsync(_queue, 1, TimeSpan.FromMinutes(1)));

        Assert.Equal(("update ready", 2L), (second.Body, second.DequeueCount));
        Assert.False(await Store.DeleteMessageAsync(_queue, first));
        Assert.True(await Store.DeleteMessageAsync(_queue, second));
        Assert.False(await Store.DeleteMessageAsync(_queue, second));
    }

    [Fact]
    public async Task An_enqueue_wakes_a_consumer_waiting_on_that_queue_only()
    {
        var other = $"q-{Guid.NewGuid():N}";
        var arrival = Store.NextArrival(_queue);
        await Store.EnqueueAsync(other, "for someone else");
        Assert.False(arrival.IsCompleted);

        await Store.EnqueueAsync(_queue, "update ready");
        await arrival.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(Store.NextArrival(_queue).IsCompleted); // a fresh wait waits for the next one
        Assert.Equal(["update ready"], (await Store.ReceiveAsync(_queue, 32, TimeSpan.FromMinutes(1))).Select(m => m.Body));
    }

    [Fact]
    public async Task Deleted_messages_do_not_come_back()
    {
        await Store.EnqueueAsync(_queue, "once");
        var message = Assert.Single(await Store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(1)));
        Assert.True(await Store.DeleteMessageAsync(_queue, message));
        await Task.Delay(TimeSpan.FromSeconds(1.6));
        Assert.Empty(await Store.ReceiveAsync(_queue, 32, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Competing_consumers_never_get_the_same_message()
    {
        var sent = Enumerable.Range(0, 60).Select(i => $"update {i}").ToList();
        foreach (var message in sent)
        {
            await Store.EnqueueAsync(_queue, message);
        }

        var taken = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await Store.ReceiveAsync(_queue, 8, TimeSpan.FromMinutes(1)) is { Count: > 0 } batch)
            {
                foreach (var message in batch)
                {
                    taken.Add(message.Body);
                    Assert.True(await Store.DeleteMessageAsync(_queue, message));
                }
            }
        })));

        Assert.Equal(sent.Order(StringComparer.Ordinal), taken.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Queues_are_separate_and_deleting_one_drops_its_messages()
    {
        var other = _queue + "-other";
        Assert.Empty(await Store.ReceiveAsync(other, 1, TimeSpan.FromSeconds(5)));
        await Store.DeleteQueueAsync(other);
        await Store.EnqueueAsync(_queue, "mine");
        await Store.EnqueueAsync(other, "theirs");
        await Store.DeleteQueueAsync(other);

        Assert.Empty(await Store.ReceiveAsync(other, 32, TimeSpan.FromSeconds(5)));
        Assert.Equal(["mine"], (await Store.ReceiveAsync(_queue, 32, TimeSpan.FromSeconds(5))).Select(m => m.Body));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_reason()
    {
        Assert.Contains("lower-case", (await Assert.ThrowsAsync<ArgumentException>(() => Store.EnqueueAsync("Bad_Name", "x"))).Message, StringComparison.Ordinal);
        Assert.Contains("over the limit", (await Assert.ThrowsAsync<ArgumentException>(() => Store.EnqueueAsync(_queue, new string('x', QueueLimits.MaxMessageBytes + 1)))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReceiveAsync(_queue, QueueLimits.MaxReceiveBatch + 1, TimeSpan.FromSeconds(5)));
        Assert.Empty(await Store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(5)));
    }

    private async Task<List<QueueMessage>> ReceiveAll(string queue, TimeSpan visibility)
    {
        List<QueueMessage> all = [];
        while (await Store.ReceiveAsync(queue, QueueLimits.MaxReceiveBatch, visibility) is { Count: > 0 } batch)
        {
            all.AddRange(batch);
        }

        return all;
    }
}
