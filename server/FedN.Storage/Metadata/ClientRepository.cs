using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>Clients, one partition each (heartbeats spread out), listed by id.</summary>
public sealed class ClientRepository(IMetadataStore store) : MetadataRepository<ClientRecord>(store, MetadataContainers.Clients)
{
    /// <summary>
    /// Marks the client online as of <paramref name="time"/>, registering it on its first connection.
    /// Safe to call concurrently for the same client.
    /// </summary>
    /// <param name="clientId">The client.</param>
    /// <param name="time">When it connected.</param>
    /// <param name="name">A name for people, when it gave one.</param>
    /// <param name="node">The server node holding the connection, in a deployment of several.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Versioned<ClientRecord>> RecordConnectedAsync(string clientId, DateTimeOffset time, string? name = null, string? node = null, CancellationToken cancellationToken = default)
    {
        List<MetadataPatch> operations = [MetadataPatch.Set("/online", true), MetadataPatch.Set("/lastSeen", time)];
        if (name is not null)
        {
            operations.Add(MetadataPatch.Set("/name", name));
        }

        if (node is not null)
        {
            operations.Add(MetadataPatch.Set("/node", node));
        }

        try
        {
            return await PatchCoreAsync(Key(clientId), operations, ifMatch: null, cancellationToken);
        }
        catch (MetadataNotFoundException)
        {
            try
            {
                return await CreateCoreAsync(new ClientRecord { Id = clientId, Name = name, Node = node, Online = true, LastSeen = time, FirstSeen = time }, cancellationToken);
            }
            catch (MetadataAlreadyExistsException)
            {
                // Another connection of the same client registered it first.
                return await PatchCoreAsync(Key(clientId), operations, ifMatch: null, cancellationToken);
            }
        }
    }

    /// <summary>Records that the client was heard from at <paramref name="time"/> (a heartbeat): one write, no read.</summary>
    /// <exception cref="MetadataNotFoundException">The client never connected.</exception>
    public Task<Versioned<ClientRecord>> RecordSeenAsync(string clientId, DateTimeOffset time, CancellationToken cancellationToken = default) =>
        PatchCoreAsync(Key(clientId), [MetadataPatch.Set("/lastSeen", time)], ifMatch: null, cancellationToken);

    /// <summary>Adds to the client's traffic totals atomically on the store: one write, no read.</summary>
    /// <exception cref="MetadataNotFoundException">The client never connected.</exception>
    public Task<Versioned<ClientRecord>> CountTrafficAsync(string clientId, long bytesDown, long bytesUp, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesDown);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesUp);
        return PatchCoreAsync(Key(clientId), [MetadataPatch.Increment("/bytesDown", bytesDown), MetadataPatch.Increment("/bytesUp", bytesUp)], ifMatch: null, cancellationToken);
    }

    /// <summary>Marks the client offline as of <paramref name="time"/>.</summary>
    /// <exception cref="MetadataNotFoundException">The client never connected.</exception>
    public Task<Versioned<ClientRecord>> RecordDisconnectedAsync(string clientId, DateTimeOffset time, CancellationToken cancellationToken = default) =>
        PatchCoreAsync(Key(clientId), [MetadataPatch.Set("/online", false), MetadataPatch.Set("/lastSeen", time)], ifMatch: null, cancellationToken);

    /// <summary>The client, or <see langword="null"/>.</summary>
    public Task<Versioned<ClientRecord>?> GetAsync(string clientId, CancellationToken cancellationToken = default) =>
        GetCoreAsync(Key(clientId), cancellationToken);

    /// <summary>Clients by id, optionally only those online (or offline).</summary>
    public Task<RecordPage<ClientRecord>> ListAsync(PageRequest page, bool? online = null, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(null, OnlineFilter(online), descending: false, page, cancellationToken);

    /// <summary>Every client by id, optionally only those online (or offline), read a full page at a time.</summary>
    public IAsyncEnumerable<Versioned<ClientRecord>> ListAllAsync(bool? online = null, CancellationToken cancellationToken = default) =>
        QueryAllCoreAsync(null, OnlineFilter(online), cancellationToken);

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency, retrying on conflicts.</summary>
    public Task<Versioned<ClientRecord>> UpdateAsync(string clientId, Func<ClientRecord, ClientRecord> change, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(Key(clientId), change, cancellationToken);

    /// <summary>Deletes the client's record; returns whether there was one. A client that connects again is recorded afresh.</summary>
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(Key(clientId), ifMatch: null, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(ClientRecord record) => Key(record.Id);

    /// <inheritdoc />
    protected override string SortKeyOf(ClientRecord record) => record.Id;

    private static MetadataKey Key(string clientId) => new(clientId, clientId);

    private static IReadOnlyList<MetadataFilter> OnlineFilter(bool? online) => online is { } o ? [MetadataFilter.Equal("online", o)] : [];
}
