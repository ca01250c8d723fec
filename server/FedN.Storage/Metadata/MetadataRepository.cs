using System.Runtime.CompilerServices;
using System.Text.Json;
using FedN.Contracts;

namespace FedN.Storage.Metadata;

/// <summary>
/// Typed records over one container of an <see cref="IMetadataStore"/>: serialization, keys, sort
/// keys and optimistic-concurrency updates, written once for every kind of record.
/// </summary>
/// <typeparam name="T">The record type, serialized with <see cref="FedNJson.Options"/>.</typeparam>
public abstract class MetadataRepository<T>
    where T : class
{
    /// <summary>How many times <see cref="UpdateCoreAsync"/> rereads and reapplies a change that lost a race.</summary>
    public const int MaxUpdateAttempts = 16;

    private readonly IMetadataStore _store;

    /// <summary>Creates the repository over <paramref name="container"/> of <paramref name="store"/>.</summary>
    protected MetadataRepository(IMetadataStore store, string container)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        Container = container;
    }

    /// <summary>The container the records live in.</summary>
    protected string Container { get; }

    /// <summary>Replaces the record if nobody changed it since it was read (its <see cref="Versioned{T}.ETag"/> is current).</summary>
    /// <exception cref="MetadataConflictException">Someone changed it first; nothing was written.</exception>
    /// <exception cref="MetadataNotFoundException">It does not exist.</exception>
    public async Task<Versioned<T>> ReplaceAsync(Versioned<T> record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var stored = await _store.ReplaceAsync(Container, ToDocument(record.Value), record.ETag, cancellationToken);
        return FromDocument(stored);
    }

    /// <summary>Where <paramref name="record"/> is stored.</summary>
    protected abstract MetadataKey KeyOf(T record);

    /// <summary>What lists order <paramref name="record"/> by; unique in the container (end it with the id).</summary>
    protected abstract string SortKeyOf(T record);

    /// <summary>Stores a new record.</summary>
    /// <exception cref="MetadataAlreadyExistsException">One with the same key exists.</exception>
    protected async Task<Versioned<T>> CreateCoreAsync(T record, CancellationToken cancellationToken)
    {
        var stored = await _store.CreateAsync(Container, ToDocument(record), cancellationToken);
        return FromDocument(stored);
    }

    /// <summary>Creates or replaces a record unconditionally.</summary>
    protected async Task<Versioned<T>> UpsertCoreAsync(T record, CancellationToken cancellationToken)
    {
        var stored = await _store.UpsertAsync(Container, ToDocument(record), cancellationToken);
        return FromDocument(stored);
    }

    /// <summary>The record at <paramref name="key"/>, or <see langword="null"/>.</summary>
    protected async Task<Versioned<T>?> GetCoreAsync(MetadataKey key, CancellationToken cancellationToken)
    {
        var stored = await _store.ReadAsync(Container, Validated(key), cancellationToken);
        return stored is null ? null : FromDocument(stored);
    }

    /// <summary>
    /// Reads the record, applies <paramref name="change"/> and writes it back if nobody wrote in
    /// between; otherwise reads again and reapplies, so <paramref name="change"/> must be a pure
    /// function of the record it is given.
    /// </summary>
    /// <exception cref="MetadataNotFoundException">The record does not exist.</exception>
    /// <exception cref="MetadataConflictException">It lost the race <see cref="MaxUpdateAttempts"/> times.</exception>
    protected async Task<Versioned<T>> UpdateCoreAsync(MetadataKey key, Func<T, T> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetCoreAsync(key, cancellationToken) ?? throw new MetadataNotFoundException(Container, key);
            var changed = change(current.Value);
            if (KeyOf(changed) != key)
            {
                throw new InvalidOperationException($"an update of {Container} record '{key}' changed its key to '{KeyOf(changed)}'");
            }

            try
            {
                return await ReplaceAsync(current with { Value = changed }, cancellationToken);
            }
            catch (MetadataConflictException) when (attempt < MaxUpdateAttempts)
            {
                // Another writer got there first: start again from what it wrote.
            }
        }
    }

    /// <summary>Applies a server-side patch (see <see cref="IMetadataStore.PatchAsync"/>).</summary>
    protected async Task<Versioned<T>> PatchCoreAsync(MetadataKey key, IReadOnlyList<MetadataPatch> operations, string? ifMatch, CancellationToken cancellationToken, MetadataFilter? onlyIf = null)
    {
        var stored = await _store.PatchAsync(Container, Validated(key), operations, ifMatch, onlyIf, cancellationToken);
        return FromDocument(stored);
    }

    /// <summary>Deletes the record; returns whether there was one.</summary>
    protected Task<bool> DeleteCoreAsync(MetadataKey key, string? ifMatch, CancellationToken cancellationToken) =>
        _store.DeleteAsync(Container, Validated(key), ifMatch, cancellationToken);

    /// <summary>Deletes every record of <paramref name="partition"/>, damaged ones too; returns how many.</summary>
    protected async Task<int> DeletePartitionCoreAsync(string partition, CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            // From the start each time: what was deleted is gone from the next page.
            var page = await _store.QueryAsync(Container, new MetadataQuery { Partition = partition, PageSize = MetadataQuery.MaxPageSize }, cancellationToken);
            var before = deleted;
            foreach (var document in page.Documents)
            {
                deleted += await _store.DeleteAsync(Container, document.Key, ifMatch: null, cancellationToken) ? 1 : 0;
            }

            if (page.Documents.Count == 0 || deleted == before)
            {
                return deleted;
            }
        }
    }

    /// <summary>One page of records matching the partition and filters, in sort-key order.</summary>
    protected async Task<RecordPage<T>> QueryCoreAsync(string? partition, IReadOnlyList<MetadataFilter> filters, bool descending, PageRequest page, CancellationToken cancellationToken)
    {
        var query = new MetadataQuery
        {
            Partition = partition,
            Filters = filters,
            Descending = descending,
            PageSize = page.PageSize,
            ContinuationToken = page.ContinuationToken,
        };
        query.Validate();
        var result = await _store.QueryAsync(Container, query, cancellationToken);
        List<Versioned<T>> items = [];
        List<string> unreadable = [];
        foreach (var document in result.Documents)
        {
            try
            {
                items.Add(FromDocument(document));
            }
            catch (MetadataStoreException damaged)
            {
                unreadable.Add(damaged.Message);
            }
        }

        return new RecordPage<T>(items, result.ContinuationToken) { Unreadable = unreadable };
    }

    /// <summary>Every record matching the partition and filters, in sort-key order, read a full page at a time.</summary>
    protected async IAsyncEnumerable<Versioned<T>> QueryAllCoreAsync(string? partition, IReadOnlyList<MetadataFilter> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = new PageRequest(MetadataQuery.MaxPageSize);
        do
        {
            var result = await QueryCoreAsync(partition, filters, descending: false, page, cancellationToken);
            foreach (var item in result.Items)
            {
                yield return item;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
        while (page.ContinuationToken is not null);
    }

    /// <summary>A sort key that orders by time, then by <paramref name="id"/>.</summary>
    protected static string TimeSortKey(DateTimeOffset time, string id) => $"{time.UtcTicks:D19}:{id}";

    private static MetadataKey Validated(MetadataKey key)
    {
        MetadataPath.ValidateKeyPart(key.Partition, "partition key");
        MetadataPath.ValidateKeyPart(key.Id, "id");
        return key;
    }

    private MetadataDocument ToDocument(T record) =>
        new(Validated(KeyOf(record)), SortKeyOf(record), JsonSerializer.SerializeToElement(record, FedNJson.Options));

    private Versioned<T> FromDocument(MetadataDocument document)
    {
        T? record;
        try
        {
            record = document.Body.Deserialize<T>(FedNJson.Options);
        }
        catch (JsonException e)
        {
            throw new MetadataStoreException($"{MetadataContainers.Describe(Container, document.Key)} is stored damaged (not a valid {typeof(T).Name}): {e.Message}", e);
        }

        return new Versioned<T>(
            record ?? throw new MetadataStoreException($"{Container} record '{document.Key}' is empty"),
            document.ETag ?? throw new MetadataStoreException($"the store returned {Container} record '{document.Key}' without an ETag"));
    }
}
