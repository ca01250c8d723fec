using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>The deployment's server nodes, one partition each, listed by id.</summary>
public sealed class NodeRepository(IMetadataStore store) : MetadataRepository<NodeRecord>(store, MetadataContainers.Nodes)
{
    /// <summary>Records the node as alive now (its first call registers it).</summary>
    public Task<Versioned<NodeRecord>> RecordAliveAsync(NodeRecord node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return UpsertCoreAsync(node, cancellationToken);
    }

    /// <summary>The node, or <see langword="null"/>.</summary>
    public Task<Versioned<NodeRecord>?> GetAsync(string nodeId, CancellationToken cancellationToken = default) =>
        GetCoreAsync(Key(nodeId), cancellationToken);

    /// <summary>Nodes by id, alive or not (compare <see cref="NodeRecord.LastSeen"/> with the heartbeat period).</summary>
    public Task<RecordPage<NodeRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(null, [], descending: false, page, cancellationToken);

    /// <summary>Every node, by id.</summary>
    public IAsyncEnumerable<Versioned<NodeRecord>> ListAllAsync(CancellationToken cancellationToken = default) =>
        QueryAllCoreAsync(null, [], cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(NodeRecord record) => Key(record.Id);

    /// <inheritdoc />
    protected override string SortKeyOf(NodeRecord record) => record.Id;

    private static MetadataKey Key(string nodeId) => new(nodeId, nodeId);
}
