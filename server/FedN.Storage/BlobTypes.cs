namespace FedN.Storage;

/// <summary>How <see cref="IBlobStore.UploadAsync"/> treats an existing blob.</summary>
public enum BlobWriteMode
{
    /// <summary>Fail with <see cref="BlobAlreadyExistsException"/> if the blob exists: nothing stored is ever overwritten.</summary>
    CreateOnly,

    /// <summary>Replace the blob if it exists.</summary>
    Overwrite,
}

/// <summary>What a store knows about one blob.</summary>
/// <param name="Path">The blob's path.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="ETag">Changes whenever the content changes.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record StoredBlob(string Path, long Length, string ETag, DateTimeOffset LastModified);

/// <summary>An exclusive, expiring lease on a blob. Disposing releases it.</summary>
public interface IBlobLease : IAsyncDisposable
{
    /// <summary>The leased blob.</summary>
    string Path { get; }

    /// <summary>Identifies this holder.</summary>
    string LeaseId { get; }

    /// <summary>Extends the lease by its duration from now.</summary>
    /// <exception cref="BlobLeaseConflictException">The lease expired and someone else took it.</exception>
    Task RenewAsync(CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up so another process can take it at once.</summary>
    Task ReleaseAsync(CancellationToken cancellationToken = default);
}
