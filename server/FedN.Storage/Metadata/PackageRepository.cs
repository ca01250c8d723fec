using FedN.Contracts.Federation;

namespace FedN.Storage.Metadata;

/// <summary>Compute packages, one partition each (read by id when a session starts and a round dispatches).</summary>
public sealed class PackageRepository(IMetadataStore store) : MetadataRepository<PackageRecord>(store, MetadataContainers.Packages)
{
    /// <summary>Records an uploaded package.</summary>
    /// <exception cref="MetadataAlreadyExistsException">The package is there already.</exception>
    public Task<Versioned<PackageRecord>> CreateAsync(PackageRecord package, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(package, cancellationToken);

    /// <summary>The package, or <see langword="null"/>.</summary>
    public Task<Versioned<PackageRecord>?> GetAsync(string packageId, CancellationToken cancellationToken = default) =>
        GetCoreAsync(Key(packageId), cancellationToken);

    /// <summary>Packages by id.</summary>
    public Task<RecordPage<PackageRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) =>
        QueryCoreAsync(null, [], descending: false, page, cancellationToken);

    /// <summary>Deletes the package's record; returns whether there was one.</summary>
    public Task<bool> DeleteAsync(string packageId, CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(Key(packageId), ifMatch: null, cancellationToken);

    /// <inheritdoc />
    protected override MetadataKey KeyOf(PackageRecord record) => Key(record.Id);

    /// <inheritdoc />
    protected override string SortKeyOf(PackageRecord record) => record.Id;

    private static MetadataKey Key(string packageId) => new(packageId, packageId);
}
