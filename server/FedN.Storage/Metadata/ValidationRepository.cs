using System.Globalization;
using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>Validation results, partitioned by session, ordered by round then client.</summary>
public sealed class ValidationRepository(IMetadataStore store) : MetadataRepository<ValidationRecord>(store, MetadataContainers.Validations)
{
    /// <summary>Stores a client's validation of a round's model. A client validates a round once.</summary>
    /// <exception cref="MetadataAlreadyExistsException">This client already reported for this round.</exception>
    public Task<Versioned<ValidationRecord>> CreateAsync(ValidationRecord validation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentOutOfRangeException.ThrowIfLessThan(validation.Round, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(validation.NumExamples);
        return CreateCoreAsync(validation, cancellationToken);
    }

    /// <summary>The validation, or <see langword="null"/>.</summary>
    public Task<Versioned<ValidationRecord>?> GetAsync(string sessionId, int round, string clientId, CancellationToken cancellationToken = default) =>
        GetCoreAsync(new MetadataKey(sessionId, Id(round, clientId)), cancellationToken);

    /// <summary>A session's validations by round then client, optionally of one round and/or one client.</summary>
    public Task<RecordPage<ValidationRecord>> ListAsync(string sessionId, PageRequest page, int? round = null, string? clientId = null, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(sessionId, Filters(round, clientId), descending: false, page, cancellationToken);

    /// <summary>Every validation of a session by round then client, optionally of one round and/or one client, read a full page at a time.</summary>
    public IAsyncEnumerable<Versioned<ValidationRecord>> ListAllAsync(string sessionId, int? round = null, string? clientId = null, CancellationToken cancellationToken = default) =>
        QueryAllCoreAsync(sessionId, Filters(round, clientId), cancellationToken);

    private static List<MetadataFilter> Filters(int? round, string? clientId)
    {
        List<MetadataFilter> filters = [];
        if (round is { } r)
        {
            filters.Add(MetadataFilter.Equal("round", r));
        }

        if (clientId is not null)
        {
            filters.Add(MetadataFilter.Equal("clientId", clientId));
        }

        return filters;
    }

    /// <summary>Deletes every one of the session's validation results; returns how many.</summary>
    public Task<int> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        DeletePartitionCoreAsync(sessionId, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(ValidationRecord record) => new(record.SessionId, Id(record.Round, record.ClientId));

    /// <inheritdoc />
    protected override string SortKeyOf(ValidationRecord record) => Id(record.Round, record.ClientId);

    private static string Id(int round, string clientId) => string.Create(CultureInfo.InvariantCulture, $"{round:D10}:{clientId}");
}
