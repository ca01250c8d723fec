using System.Globalization;
using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>Rounds, partitioned by session, in round order.</summary>
public sealed class RoundRepository(IMetadataStore store) : MetadataRepository<RoundRecord>(store, MetadataContainers.Rounds)
{
    /// <summary>Stores a new round.</summary>
    /// <exception cref="MetadataAlreadyExistsException">The round exists.</exception>
    public Task<Versioned<RoundRecord>> CreateAsync(RoundRecord round, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentOutOfRangeException.ThrowIfLessThan(round.Round, 1);
        return CreateCoreAsync(round, cancellationToken);
    }

    /// <summary>The round, or <see langword="null"/>.</summary>
    public Task<Versioned<RoundRecord>?> GetAsync(string sessionId, int round, CancellationToken cancellationToken = default) =>
        GetCoreAsync(Key(sessionId, round), cancellationToken);

    /// <summary>A session's rounds in round order (or newest first).</summary>
    public Task<RecordPage<RoundRecord>> ListAsync(string sessionId, PageRequest page, bool newestFirst = false, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(sessionId, [], newestFirst, page, cancellationToken);

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency, retrying on conflicts.</summary>
    public Task<Versioned<RoundRecord>> UpdateAsync(string sessionId, int round, Func<RoundRecord, RoundRecord> change, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(Key(sessionId, round), change, cancellationToken);

    /// <summary>
    /// Adds to the round's update counters atomically on the store, so many writers (client-event
    /// handlers, combiners) can count without reading first and without losing a count.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="round">The round.</param>
    /// <param name="received">Reports to add to <see cref="RoundRecord.UpdatesReceived"/>.</param>
    /// <param name="aggregated">Updates to add to <see cref="RoundRecord.UpdatesAggregated"/>.</param>
    /// <param name="rejected">Updates to add to <see cref="RoundRecord.UpdatesRejected"/>.</param>
    /// <param name="onlyIn">Count only while the round is in this status, in the same atomic step.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="MetadataNotFoundException">The round does not exist.</exception>
    /// <exception cref="MetadataConflictException">The round is not in <paramref name="onlyIn"/>: nothing was counted.</exception>
    public Task<Versioned<RoundRecord>> CountUpdatesAsync(string sessionId, int round, long received = 0, long aggregated = 0, long rejected = 0, RoundStatus? onlyIn = null, CancellationToken cancellationToken = default)
    {
        List<MetadataPatch> operations = [];
        AddIfNonZero(operations, "/updatesReceived", received);
        AddIfNonZero(operations, "/updatesAggregated", aggregated);
        AddIfNonZero(operations, "/updatesRejected", rejected);
        if (operations.Count == 0)
        {
            throw new ArgumentException("nothing to count: every delta is zero");
        }

        return PatchCoreAsync(Key(sessionId, round), operations, ifMatch: null, cancellationToken, onlyIn is { } status ? MetadataFilter.Equal("status", status) : null);
    }

    /// <summary>Deletes every one of the session's rounds; returns how many.</summary>
    public Task<int> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        DeletePartitionCoreAsync(sessionId, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(RoundRecord record) => Key(record.SessionId, record.Round);

    /// <inheritdoc />
    protected override string SortKeyOf(RoundRecord record) => RoundId(record.Round);

    private static MetadataKey Key(string sessionId, int round) => new(sessionId, RoundId(round));

    private static string RoundId(int round) => round.ToString("D10", CultureInfo.InvariantCulture);

    private static void AddIfNonZero(List<MetadataPatch> operations, string path, long delta)
    {
        if (delta != 0)
        {
            operations.Add(MetadataPatch.Increment(path, delta));
        }
    }
}
