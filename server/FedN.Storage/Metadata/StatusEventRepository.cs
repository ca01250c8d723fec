using System.Security.Cryptography;
using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>The event log: events partitioned by session, in time order.</summary>
public sealed class StatusEventRepository(IMetadataStore store) : MetadataRepository<StatusEvent>(store, MetadataContainers.Events)
{
    /// <summary>The partition of events that belong to no session.</summary>
    public const string FederationScope = "_federation";

    /// <summary>
    /// Records <paramref name="statusEvent"/>. Without an id it gets a fresh one; with one (for
    /// example from a retried activity) appending it again returns the stored event.
    /// </summary>
    public async Task<StatusEvent> AppendAsync(StatusEvent statusEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statusEvent);
        if (statusEvent.Time == default)
        {
            // The log is ordered by time: an event without one would sort before everything else.
            throw new ArgumentException($"event '{statusEvent.Kind}' has no time", nameof(statusEvent));
        }

        var withId = statusEvent.Id.Length > 0
            ? statusEvent
            : statusEvent with { Id = $"{statusEvent.Time.UtcTicks:D19}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}" };
        try
        {
            return (await CreateCoreAsync(withId, cancellationToken)).Value;
        }
        catch (MetadataAlreadyExistsException) when (statusEvent.Id.Length > 0)
        {
            var stored = await GetCoreAsync(KeyOf(withId), cancellationToken);
            return stored?.Value ?? throw new MetadataStoreException($"event '{withId.Id}' was reported to exist but cannot be read");
        }
    }

    /// <summary>The events of a session (or of the federation, for <see langword="null"/>), oldest first (or newest first).</summary>
    public Task<RecordPage<StatusEvent>> ListAsync(string? sessionId, PageRequest page, bool newestFirst = false, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(sessionId ?? FederationScope, [], newestFirst, page, cancellationToken);

    /// <summary>Deletes every one of the session's events; returns how many.</summary>
    public Task<int> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        DeletePartitionCoreAsync(sessionId, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(StatusEvent record) => new(record.SessionId ?? FederationScope, record.Id);

    /// <inheritdoc />
    protected override string SortKeyOf(StatusEvent record) => TimeSortKey(record.Time, record.Id);
}
