using System.Collections.Concurrent;
using FedN.Storage;

namespace FedN.Reducer.Intake;

/// <summary>
/// Which shard each client of a round attempt was assigned to, read once from the attempt's plan.
/// A plan is written create-only and never changes, so it can be kept; only the latest few attempts
/// are, which is all a running federation reports on.
/// </summary>
internal sealed class PlanCache(IBlobStore blobs)
{
    private const int MaxAttempts = 64;
    private readonly ConcurrentDictionary<RoundLayout, Lazy<Task<IReadOnlyDictionary<string, int>?>>> _plans = new();

    /// <summary>The shard client <paramref name="clientId"/> was assigned to in the attempt of <paramref name="layout"/>, or <see langword="null"/> when it was not (or there is no plan yet).</summary>
    public async Task<int?> ShardOfAsync(RoundLayout layout, string clientId, CancellationToken cancellationToken)
    {
        if (_plans.Count > MaxAttempts)
        {
            _plans.Clear();
        }

        var entry = _plans.GetOrAdd(layout, key => new Lazy<Task<IReadOnlyDictionary<string, int>?>>(() => ReadAsync(key, CancellationToken.None)));
        IReadOnlyDictionary<string, int>? shards;
        try
        {
            shards = await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _plans.TryRemove(KeyValuePair.Create(layout, entry));
            throw;
        }

        if (shards is null)
        {
            // Not planned yet: ask again next time rather than remember that.
            _plans.TryRemove(KeyValuePair.Create(layout, entry));
            return null;
        }

        return shards.TryGetValue(clientId, out var shard) ? shard : null;
    }

    private async Task<IReadOnlyDictionary<string, int>?> ReadAsync(RoundLayout layout, CancellationToken cancellationToken)
    {
        var plan = await BlobJson.ReadAsync<RoundPlan>(blobs, layout.Plan, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var shards = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var shard = 0; shard < plan.Shards.Count; shard++)
        {
            foreach (var client in plan.Shards[shard])
            {
                shards.TryAdd(client, shard);
            }
        }

        return shards;
    }
}
