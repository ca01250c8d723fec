namespace FedN.Storage;

/// <summary>
/// Where models, updates, partials and optimizer state live: Azure Blob Storage, or a directory
/// for the embedded server. Paths are validated by <see cref="BlobPath"/>.
/// </summary>
/// <remarks>
/// Every operation streams: no implementation holds a whole blob in memory. Clients never see a
/// store; they get transfer URLs (<see cref="CreateDownloadUrlAsync"/>, <see cref="CreateUploadUrlAsync"/>)
/// scoped to one blob and expiring, and move bytes with plain HTTP GET and PUT.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Writes <paramref name="content"/> (read to its end) to <paramref name="path"/>. Readers never see a partial blob.</summary>
    /// <exception cref="BlobAlreadyExistsException"><paramref name="mode"/> is <see cref="BlobWriteMode.CreateOnly"/> and the blob exists.</exception>
    Task<StoredBlob> UploadAsync(string path, Stream content, BlobWriteMode mode, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="write"/> into a new blob at <paramref name="path"/>, which appears whole
    /// when it returns, or not at all if it throws: writers produce models of any size without
    /// holding them in memory. The stream it gets is readable and seekable over what it wrote, so a
    /// writer can check its own output before the blob appears.
    /// </summary>
    /// <exception cref="BlobAlreadyExistsException"><paramref name="mode"/> is <see cref="BlobWriteMode.CreateOnly"/> and the blob exists.</exception>
    Task<StoredBlob> WriteAsync(string path, BlobWriteMode mode, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a small blob at <paramref name="path"/> holding <paramref name="content"/> unless one
    /// exists there, with less than <see cref="UploadAsync"/> promises: for markers whose existence is
    /// what counts. A reader may find it before its content is whole, and a crash of the machine (not
    /// only of the process) may lose it, so nothing may depend on it surviving one.
    /// </summary>
    /// <returns><see langword="false"/> when a blob already existed at <paramref name="path"/>; nothing was written.</returns>
    Task<bool> TryCreateMarkerAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Opens the blob for reading. The stream is seekable, so tensors can be read in any order.</summary>
    /// <exception cref="BlobNotFoundException">There is no blob at <paramref name="path"/>.</exception>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Copies the blob to <paramref name="destination"/>, in parallel ranges where the store allows.</summary>
    /// <exception cref="BlobNotFoundException">There is no blob at <paramref name="path"/>.</exception>
    Task DownloadToAsync(string path, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>The blob's properties, or <see langword="null"/> when it does not exist.</summary>
    Task<StoredBlob?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Blobs whose path starts with <paramref name="prefix"/>, in ordinal path order.</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob; returns whether there was one.</summary>
    /// <exception cref="BlobLeaseConflictException">The blob is leased by someone.</exception>
    Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every blob whose path starts with <paramref name="prefix"/> (a round's working data,
    /// thousands of blobs) in fewer steps than one <see cref="DeleteAsync"/> each: the embedded
    /// store unlinks files as it walks their folder and removes the folders a prefix ending in '/'
    /// leaves empty; Azure deletes in parallel.
    /// </summary>
    /// <returns>How many blobs it deleted.</returns>
    /// <exception cref="ArgumentException">The prefix is empty (the whole store) or invalid.</exception>
    /// <exception cref="BlobLeaseConflictException">A blob under the prefix is leased: it is kept, the others are deleted.</exception>
    Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lease on <paramref name="path"/> (creating an empty blob there if needed) for
    /// <paramref name="duration"/> (15 to 60 seconds), or returns <see langword="null"/> when
    /// someone else holds an unexpired lease. Used to elect one active process among several.
    /// </summary>
    Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>A URL that lets its bearer GET this one blob until <paramref name="lifetime"/> has passed; it allows nothing else.</summary>
    Task<Uri> CreateDownloadUrlAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>
    /// A URL that lets its bearer create this one blob with a single PUT (header
    /// <c>x-ms-blob-type: BlockBlob</c>) until <paramref name="lifetime"/> has passed. It cannot
    /// overwrite the blob once it exists, read it, or write any other path. With
    /// <paramref name="maxBytes"/>, a larger upload is refused where the store can (the embedded
    /// store answers 413; Azure's SAS cannot say it, so readers check the size when they use the blob).
    /// </summary>
    Task<Uri> CreateUploadUrlAsync(string path, TimeSpan lifetime, long? maxBytes = null, CancellationToken cancellationToken = default);
}
