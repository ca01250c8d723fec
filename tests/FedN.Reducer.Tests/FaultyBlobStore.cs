using FedN.Storage;

namespace FedN.Reducer.Tests;

/// <summary>A blob store that fails or hangs where a test says, and otherwise is the real store it wraps.</summary>
internal sealed class FaultyBlobStore(IBlobStore inner) : IBlobStore
{
    /// <summary>Runs before each upload with what would be written; throw to make it fail.</summary>
    public Func<string, Stream, CancellationToken, Task>? BeforeUpload { get; set; }

    /// <summary>Runs before each listing; throw or wait to make it fail or hang.</summary>
    public Func<string, CancellationToken, Task>? BeforeList { get; set; }

    public async Task<StoredBlob> UploadAsync(string path, Stream content, BlobWriteMode mode, CancellationToken cancellationToken = default)
    {
        if (BeforeUpload is { } hook)
        {
            await hook(path, content, cancellationToken);
        }

        return await inner.UploadAsync(path, content, mode, cancellationToken);
    }

    // Through a local file and this store's upload, so BeforeUpload sees written blobs too.
    public Task<StoredBlob> WriteAsync(string path, BlobWriteMode mode, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        this.WriteThroughLocalFileAsync(path, mode, write, cancellationToken);

    public async IAsyncEnumerable<StoredBlob> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (BeforeList is { } hook)
        {
            await hook(prefix, cancellationToken);
        }

        await foreach (var blob in inner.ListAsync(prefix, cancellationToken))
        {
            yield return blob;
        }
    }

    public Task<bool> TryCreateMarkerAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.TryCreateMarkerAsync(path, content, cancellationToken);

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

    public Task DownloadToAsync(string path, Stream destination, CancellationToken cancellationToken = default) => inner.DownloadToAsync(path, destination, cancellationToken);

    public Task<StoredBlob?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(path, cancellationToken);

    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);

    public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);

    public Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default) => inner.TryAcquireLeaseAsync(path, duration, cancellationToken);

    public Task<Uri> CreateDownloadUrlAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) => inner.CreateDownloadUrlAsync(path, lifetime, cancellationToken);

    public Task<Uri> CreateUploadUrlAsync(string path, TimeSpan lifetime, long? maxBytes = null, CancellationToken cancellationToken = default) => inner.CreateUploadUrlAsync(path, lifetime, maxBytes, cancellationToken);
}
