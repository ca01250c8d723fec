namespace FedN.Storage.Metadata;

/// <summary>
/// Where FedN's records live: Cosmos DB, or SQLite for the embedded server. A store keeps JSON
/// documents in a few containers (<see cref="MetadataContainers"/>), each document addressed by a
/// partition and an id, ordered by a sort key, and versioned by an ETag that changes on every write.
/// </summary>
/// <remarks>
/// This is the adapter's side of the metadata port: small, generic and the same for every store,
/// so the FedN-specific rules are written once, in the repositories of <see cref="FederationMetadata"/>.
/// Every write is atomic on one document; nothing here spans documents.
/// </remarks>
public interface IMetadataStore
{
    /// <summary>Stores a new document.</summary>
    /// <exception cref="MetadataAlreadyExistsException">A document with this key exists; it was left untouched.</exception>
    Task<MetadataDocument> CreateAsync(string container, MetadataDocument document, CancellationToken cancellationToken = default);

    /// <summary>The document, or <see langword="null"/> when there is none.</summary>
    Task<MetadataDocument?> ReadAsync(string container, MetadataKey key, CancellationToken cancellationToken = default);

    /// <summary>Replaces the document if its ETag is still <paramref name="ifMatch"/>.</summary>
    /// <exception cref="MetadataNotFoundException">There is no such document.</exception>
    /// <exception cref="MetadataConflictException">Someone changed the document since <paramref name="ifMatch"/> was read.</exception>
    Task<MetadataDocument> ReplaceAsync(string container, MetadataDocument document, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the document unconditionally.</summary>
    Task<MetadataDocument> UpsertAsync(string container, MetadataDocument document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="operations"/> (at most <see cref="MetadataPatch.MaxOperations"/>) to the
    /// document atomically, in order, on the server side: concurrent increments are never lost.
    /// </summary>
    /// <exception cref="MetadataNotFoundException">There is no such document.</exception>
    /// <param name="container">The container.</param>
    /// <param name="key">The document.</param>
    /// <param name="operations">What to change.</param>
    /// <param name="ifMatch">Only if the document's ETag is still this.</param>
    /// <param name="onlyIf">Only if the document's field holds this value, checked in the same atomic step (Cosmos DB's filter predicate).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="MetadataNotFoundException">There is no such document.</exception>
    /// <exception cref="MetadataConflictException"><paramref name="ifMatch"/> was given and is stale, or <paramref name="onlyIf"/> does not hold.</exception>
    Task<MetadataDocument> PatchAsync(string container, MetadataKey key, IReadOnlyList<MetadataPatch> operations, string? ifMatch = null, MetadataFilter? onlyIf = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the document (if its ETag is still <paramref name="ifMatch"/>, when given); returns whether there was one.</summary>
    /// <exception cref="MetadataConflictException"><paramref name="ifMatch"/> was given and is stale.</exception>
    Task<bool> DeleteAsync(string container, MetadataKey key, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>One page of the documents that match <paramref name="query"/>, in sort-key order.</summary>
    Task<MetadataPage> QueryAsync(string container, MetadataQuery query, CancellationToken cancellationToken = default);
}
