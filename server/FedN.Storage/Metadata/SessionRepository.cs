using FedN.Contracts.Federation;
using FedN.Core.Aggregation;

namespace FedN.Storage.Metadata;

/// <summary>Sessions, one partition each; listed newest first.</summary>
public sealed class SessionRepository(IMetadataStore store) : MetadataRepository<SessionRecord>(store, MetadataContainers.Sessions)
{
    /// <summary>Stores a new session after checking its configuration.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="MetadataAlreadyExistsException">The id is taken.</exception>
    public Task<Versioned<SessionRecord>> CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        MetadataPath.ValidateKeyPart(session.Id, "session id");
        if (session.Id[0] == '_')
        {
            throw new ArgumentException($"invalid session id '{session.Id}': names starting with '_' are reserved", nameof(session));
        }

        Aggregators.CheckSession(session.Config);
        return CreateCoreAsync(session, cancellationToken);
    }

    /// <summary>The session, or <see langword="null"/>.</summary>
    public Task<Versioned<SessionRecord>?> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        GetCoreAsync(Key(sessionId), cancellationToken);

    /// <summary>Sessions, newest first, optionally only those in <paramref name="status"/>.</summary>
    public Task<RecordPage<SessionRecord>> ListAsync(PageRequest page, SessionStatus? status = null, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(null, status is { } s ? [MetadataFilter.Equal("status", s)] : [], descending: true, page, cancellationToken);

    /// <summary>Every session in <paramref name="status"/>, read a full page at a time.</summary>
    public IAsyncEnumerable<Versioned<SessionRecord>> ListAllAsync(SessionStatus status, CancellationToken cancellationToken = default) =>
        QueryAllCoreAsync(null, [MetadataFilter.Equal("status", status)], cancellationToken);

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency, retrying on conflicts.</summary>
    public Task<Versioned<SessionRecord>> UpdateAsync(string sessionId, Func<SessionRecord, SessionRecord> change, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(Key(sessionId), change, cancellationToken);

    /// <summary>Deletes the session's record; returns whether there was one. Its rounds, validations and events are deleted by their repositories.</summary>
    public Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(Key(sessionId), ifMatch: null, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(SessionRecord record) => Key(record.Id);

    /// <inheritdoc />
    protected override string SortKeyOf(SessionRecord record) => TimeSortKey(record.CreatedAt, record.Id);

    private static MetadataKey Key(string sessionId) => new(sessionId, sessionId);
}
