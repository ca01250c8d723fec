using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>The model trail: models by id, each linked to its parent.</summary>
public sealed class ModelRepository(IMetadataStore store) : MetadataRepository<ModelRecord>(store, MetadataContainers.Models)
{
    /// <summary>Longest trail <see cref="GetTrailAsync"/> walks by default.</summary>
    public const int DefaultTrailLimit = 10_000;

    /// <summary>Adds a model to the trail. Its parent, if it names one, must already be there.</summary>
    /// <exception cref="MetadataStoreException">The parent is not on the trail.</exception>
    /// <exception cref="MetadataAlreadyExistsException">The id is taken.</exception>
    public async Task<Versioned<ModelRecord>> CreateAsync(ModelRecord model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Storage.BlobPath.Validate(model.BlobPath);
        if (model.ParentId is { } parent && await GetAsync(parent, cancellationToken) is null)
        {
            throw new MetadataStoreException($"model '{model.Id}' names parent '{parent}', which is not on the trail");
        }

        return await CreateCoreAsync(model, cancellationToken);
    }

    /// <summary>The model, or <see langword="null"/>.</summary>
    public Task<Versioned<ModelRecord>?> GetAsync(string modelId, CancellationToken cancellationToken = default) =>
        GetCoreAsync(Key(modelId), cancellationToken);

    /// <summary>Models in the order they were stored (or newest first), optionally only one session's.</summary>
    public Task<RecordPage<ModelRecord>> ListAsync(PageRequest page, string? sessionId = null, bool newestFirst = false, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(null, sessionId is null ? [] : [MetadataFilter.Equal("sessionId", sessionId)], newestFirst, page, cancellationToken);

    /// <summary>
    /// The model and its ancestors, newest first, ending at a seed (or after <paramref name="limit"/> models).
    /// </summary>
    /// <exception cref="MetadataNotFoundException">The model, or an ancestor it names, is missing.</exception>
    public async Task<IReadOnlyList<ModelRecord>> GetTrailAsync(string modelId, int limit = DefaultTrailLimit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        List<ModelRecord> trail = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        for (string? next = modelId; next is not null && trail.Count < limit;)
        {
            if (!seen.Add(next))
            {
                throw new MetadataStoreException($"the trail of model '{modelId}' loops back to '{next}'");
            }

            var model = await GetAsync(next, cancellationToken) ?? throw new MetadataNotFoundException(Container, Key(next));
            trail.Add(model.Value);
            next = model.Value.ParentId;
        }

        return trail;
    }

    /// <summary>A model whose parent is <paramref name="modelId"/>, if there is one.</summary>
    public async Task<ModelRecord?> FindChildAsync(string modelId, CancellationToken cancellationToken = default)
    {
        var children = (await QueryCoreAsync(null, [MetadataFilter.Equal("parentId", modelId)], descending: false, new PageRequest(1), cancellationToken)).Items;
        return children.Count > 0 ? children[0].Value : null;
    }

    /// <summary>Deletes the model's record (not its file); returns whether there was one.</summary>
    public Task<bool> DeleteAsync(string modelId, CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(Key(modelId), ifMatch: null, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(ModelRecord record) => Key(record.Id);

    /// <inheritdoc />
    protected override string SortKeyOf(ModelRecord record) => TimeSortKey(record.CreatedAt, record.Id);

    private static MetadataKey Key(string modelId) => new(modelId, modelId);
}
