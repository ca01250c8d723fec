using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Activities;

/// <summary>The per-shard figures a round record shows, from what its combiners returned.</summary>
internal static class RoundFigures
{
    public static IReadOnlyList<ShardFigures> Of(IEnumerable<ShardResult> shards) =>
        [.. shards.OrderBy(shard => shard.Shard).Select(shard =>
            new ShardFigures(shard.Shard, shard.Expected, shard.Aggregated, shard.Rejected, (long)shard.TotalWeight, shard.Seconds, shard.ClosedBy, shard.Arrivals, shard.BytesUp))];

    /// <summary>Adds the traffic of <paramref name="round"/>'s attempt to its session's, once however often it is called.</summary>
    public static Task AddToSessionAsync(FederationMetadata metadata, RoundRecord round, CancellationToken cancellationToken) =>
        metadata.Sessions.UpdateAsync(round.SessionId, session =>
            session with { Traffic = (session.Traffic ?? SessionTraffic.None).Add(round.Round, round.Attempt, round.Traffic ?? new RoundTraffic()) }, cancellationToken);

    /// <summary>The round's traffic once its combiners have returned: what its tasks sent down, and the updates they read.</summary>
    public static RoundTraffic Traffic(RoundRecord round, IEnumerable<ShardResult> shards) =>
        (round.Traffic ?? new RoundTraffic()) with { BytesUp = shards.Sum(shard => shard.BytesUp) };

    /// <summary>
    /// The round's <see cref="RoundRecord.UpdatesReceived"/> once its combiners have returned: the
    /// intake's live count or the combiners' own, whichever is larger. Each can miss a report (a node
    /// lost between queueing a report and counting it; a report taken after its combiner closed), and
    /// neither counts one twice.
    /// </summary>
    public static long Received(RoundRecord round, IEnumerable<ShardResult> shards) =>
        Math.Max(round.UpdatesReceived, shards.Sum(shard => (long)shard.Received));

    /// <summary>
    /// The round's <see cref="RoundRecord.Warning"/>: when at least as many answering clients were
    /// refused as were aggregated, who and why; otherwise <see langword="null"/>. Stray duplicates
    /// or reports for other rounds do not count, only assigned clients' answers.
    /// </summary>
    public static string? Warning(IReadOnlyList<ShardResult> shards, long aggregated)
    {
        var refused = shards.Sum(shard => shard.Refused);
        if (refused == 0 || refused < aggregated)
        {
            return null;
        }

        var who = shards.SelectMany(shard => shard.Undelivered).Where(client => !client.EndsWith($"({ShardResult.NoAnswer})", StringComparison.Ordinal)).Take(5).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"most updates were refused: {refused} of {refused + aggregated} clients that answered sent an update the session could not use")
            + (who.Count > 0 ? $"; {string.Join("; ", who)}" : "");
    }
}
