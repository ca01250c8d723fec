using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using FedN.Storage;

namespace FedN.Storage.Azure;

/// <summary>
/// <see cref="IBlobStore"/> on one Azure Blob Storage container. Large blobs move in parallel
/// blocks; transfer URLs are SAS URLs for exactly one blob (service SAS with an account key, or a
/// user delegation SAS under a managed identity).
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    // Deletes of a prefix in flight at once: each is one small request, so the round trip is the cost.
    private const int PrefixDeleteParallelism = 16;

    private readonly BlobContainerClient _container;
    private readonly StorageTransferOptions _transfer;
    private UserDelegationKey? _delegationKey;

    /// <summary>Wraps an existing container (see the <c>CreateAsync</c> methods to create it).</summary>
    public AzureBlobStore(BlobContainerClient container, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        options ??= new AzureBlobStoreOptions();
        _container = container;
        _transfer = new StorageTransferOptions
        {
            MaximumConcurrency = options.MaximumConcurrency,
            InitialTransferSize = options.BlockBytes,
            MaximumTransferSize = options.BlockBytes,
        };
    }

    /// <summary>Connects with a connection string and creates the container if it does not exist.</summary>
    public static Task<AzureBlobStore> CreateAsync(string connectionString, string containerName, AzureBlobStoreOptions? options = null, CancellationToken cancellationToken = default) =>
        CreateAsync(new BlobContainerClient(connectionString, containerName), options, cancellationToken);

    /// <summary>
    /// Connects to the blob service at <paramref name="blobServiceUri"/> as <paramref name="credential"/>
    /// (a managed identity on Azure) and creates the container if it does not exist. Transfer URLs
    /// are then user delegation SAS, so the identity needs a blob data role that may issue them.
    /// </summary>
    public static Task<AzureBlobStore> CreateAsync(Uri blobServiceUri, TokenCredential credential, string containerName, AzureBlobStoreOptions? options = null, CancellationToken cancellationToken = default) =>
        CreateAsync(new BlobServiceClient(blobServiceUri, credential).GetBlobContainerClient(containerName), options, cancellationToken);

    private static async Task<AzureBlobStore> CreateAsync(BlobContainerClient container, AzureBlobStoreOptions? options, CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return new AzureBlobStore(container, options);
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateMarkerAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        try
        {
            await Blob(path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (IsAlreadyExists(e))
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<StoredBlob> UploadAsync(string path, Stream content, BlobWriteMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var blob = Blob(path);
        var options = new BlobUploadOptions
        {
            TransferOptions = _transfer,
            Conditions = mode == BlobWriteMode.CreateOnly ? new BlobRequestConditions { IfNoneMatch = ETag.All } : null,
        };
        try
        {
            await blob.UploadAsync(content, options, cancellationToken);
        }
        catch (RequestFailedException e) when (mode == BlobWriteMode.CreateOnly && IsAlreadyExists(e))
        {
            throw new BlobAlreadyExistsException(path, e);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "LeaseIdMissing")
        {
            throw new BlobLeaseConflictException(path, e);
        }

        return (await GetPropertiesAsync(path, cancellationToken))!;
    }

    /// <inheritdoc />
    public Task<StoredBlob> WriteAsync(string path, BlobWriteMode mode, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        this.WriteThroughLocalFileAsync(path, mode, write, cancellationToken);

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Blob(path).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 << 20 }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(path, e);
        }
    }

    /// <inheritdoc />
    public async Task DownloadToAsync(string path, Stream destination, CancellationToken cancellationToken = default)
    {
        try
        {
            await Blob(path).DownloadToAsync(destination, new BlobDownloadToOptions { TransferOptions = _transfer }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(path, e);
        }
    }

    /// <inheritdoc />
    public async Task<StoredBlob?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = (await Blob(path).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new StoredBlob(path, properties.ContentLength, properties.ETag.ToString("H"), properties.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredBlob> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobPath.ValidatePrefix(prefix);
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: prefix.Length == 0 ? null : prefix, cancellationToken: cancellationToken))
        {
            yield return new StoredBlob(item.Name, item.Properties.ContentLength ?? 0, item.Properties.ETag?.ToString("H") ?? "", item.Properties.LastModified ?? default);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Blob(path).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "LeaseIdMissing")
        {
            throw new BlobLeaseConflictException(path, e);
        }
    }

    /// <inheritdoc />
    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        BlobPath.ValidateDeletionPrefix(prefix);
        var paths = new List<string>();
        await foreach (var blob in ListAsync(prefix, cancellationToken))
        {
            paths.Add(blob.Path);
        }

        var deleted = 0;
        string? leased = null;
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = PrefixDeleteParallelism, CancellationToken = cancellationToken }, async (path, ct) =>
        {
            try
            {
                if (await DeleteAsync(path, ct))
                {
                    Interlocked.Increment(ref deleted);
                }
            }
            catch (BlobLeaseConflictException)
            {
                Interlocked.CompareExchange(ref leased, path, null);
            }
        });
        return leased is null ? deleted : throw new BlobLeaseConflictException(leased);
    }

    /// <inheritdoc />
    public async Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        LeaseDuration.Validate(duration);
        try
        {
            await UploadAsync(path, Stream.Null, BlobWriteMode.CreateOnly, cancellationToken);
        }
        catch (Exception e) when (e is BlobAlreadyExistsException or BlobLeaseConflictException)
        {
            // It exists already (possibly leased): fine.
        }

        var leases = Blob(path).GetBlobLeaseClient();
        try
        {
            await leases.AcquireAsync(duration, cancellationToken: cancellationToken);
            return new AzureBlobLease(path, leases, duration);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task<Uri> CreateDownloadUrlAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        SasUrlAsync(path, BlobSasPermissions.Read, lifetime, cancellationToken);

    /// <inheritdoc />
    public Task<Uri> CreateUploadUrlAsync(string path, TimeSpan lifetime, long? maxBytes = null, CancellationToken cancellationToken = default) =>
        SasUrlAsync(path, BlobSasPermissions.Create, lifetime, cancellationToken);

    private async Task<Uri> SasUrlAsync(string path, BlobSasPermissions permissions, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "a transfer URL's lifetime must be positive");
        }

        var blob = Blob(path);
        var expiresOn = DateTimeOffset.UtcNow + lifetime;
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(permissions, expiresOn);
        }

        // No account key (managed identity): sign with a user delegation key instead.
        var builder = new BlobSasBuilder(permissions, expiresOn) { BlobContainerName = _container.Name, BlobName = path, Resource = "b" };
        var key = await DelegationKeyAsync(expiresOn, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = builder.ToSasQueryParameters(key, _container.AccountName) }.ToUri();
    }

    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset neededUntil, CancellationToken cancellationToken)
    {
        // Keys live up to 7 days; take one for a day past what is needed now and reuse it. Two
        // callers racing here both fetch a key, which is harmless.
        var key = _delegationKey;
        if (key is null || key.SignedExpiresOn < neededUntil)
        {
            var service = _container.GetParentBlobServiceClient();
            key = (await service.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow.AddMinutes(-5), neededUntil.AddDays(1), cancellationToken)).Value;
            _delegationKey = key;
        }

        return key;
    }

    private BlobClient Blob(string path) => _container.GetBlobClient(BlobPath.Validate(path));

    /// <summary>A create-only write (<c>If-None-Match: *</c>) found the blob there.</summary>
    private static bool IsAlreadyExists(RequestFailedException e) =>
        e.Status is 409 or 412 && e.ErrorCode is "BlobAlreadyExists" or "ConditionNotMet";

    private sealed class AzureBlobLease(string path, BlobLeaseClient leases, TimeSpan duration) : IBlobLease
    {
        public string Path => path;

        public string LeaseId => leases.LeaseId;

        public async Task RenewAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await leases.RenewAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                throw new BlobLeaseConflictException(path, e);
            }
        }

        public async Task ReleaseAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await leases.ReleaseAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Expired and taken by someone else: nothing of ours to release.
            }
        }

        public async ValueTask DisposeAsync() => await ReleaseAsync();

        public override string ToString() => $"lease on {path} for {duration.TotalSeconds} s";
    }
}
