namespace FedN.Reducer.Intake;

/// <summary>
/// Counts added to the same key while that key's previous count is being stored go to the store
/// together, as one addition: a thousand reports of a round become a few writes of its counter
/// instead of a thousand read-modify-writes of one record. A count with nothing in flight is stored
/// at once, so it waits no longer than it did alone.
/// </summary>
/// <remarks>
/// Each caller's task completes when the addition holding its count has been stored, or fails with
/// that addition's exception: every caller of a batch sees what the store said of it.
/// </remarks>
internal sealed class CoalescedCounts<TKey>(Func<TKey, long, Task> store) where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Batch> _open = [];
    private readonly Dictionary<TKey, Task> _storing = [];

    /// <summary>Adds <paramref name="amount"/> to <paramref name="key"/>'s count; completes once it is stored.</summary>
    public Task AddAsync(TKey key, long amount, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(key, out var open))
            {
                open.Amount += amount;
                return open.Stored.Task.WaitAsync(cancellationToken);
            }

            var batch = new Batch(amount);
            _open[key] = batch;
            var previous = _storing.GetValueOrDefault(key) ?? Task.CompletedTask;
            _storing[key] = StoreAfterAsync(previous, key, batch);
            return batch.Stored.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task StoreAfterAsync(Task previous, TKey key, Batch batch)
    {
        await previous;
        long amount;
        lock (_gate)
        {
            // Closed: counts from now on go to the next batch, stored after this one.
            _open.Remove(key);
            amount = batch.Amount;
        }

        try
        {
            await store(key, amount);
            batch.Stored.SetResult();
        }
        catch (Exception e)
        {
            batch.Stored.SetException(e);
        }
        finally
        {
            lock (_gate)
            {
                if (!_open.ContainsKey(key))
                {
                    _storing.Remove(key);
                }
            }
        }
    }

    private sealed class Batch(long amount)
    {
        public long Amount { get; set; } = amount;

        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
