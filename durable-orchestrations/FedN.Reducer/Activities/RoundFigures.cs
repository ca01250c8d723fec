using FedN.Core.Federation;

namespace FedN.Reducer.Activities;

/// <summary>The per-shard figures a round record shows, from what its combiners returned.</summary>
internal static class RoundFigures
{
    public static IReadOnlyList<ShardFigures> Of(IEnumerable<ShardResult> shards) =>
        [.. shards.OrderBy(shard => shard.Shard).Select(shard =>
            new ShardFigures(shard.Shard, shard.Expected, shard.Aggregated, shard.Rejected, (long)shard.TotalWeight, shard.Seconds, shard.ClosedBy, shard.Arrivals))];
}
