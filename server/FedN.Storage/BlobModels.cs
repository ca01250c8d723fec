using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Storage;

/// <summary>Safetensors models kept in an <see cref="IBlobStore"/>: read as <see cref="ModelSource"/>s, and copied to local files.</summary>
public static class BlobModels
{
    /// <summary>A source that streams the model at <paramref name="path"/> each time it is opened.</summary>
    /// <param name="blobs">The store.</param>
    /// <param name="path">The blob.</param>
    /// <param name="id">Who the model comes from, for results and errors; the path by default.</param>
    public static ModelSource Source(this IBlobStore blobs, string path, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        BlobPath.Validate(path);
        return new ModelSource(id ?? path, async cancellationToken =>
        {
            Stream blob;
            try
            {
                blob = await blobs.OpenReadAsync(path, cancellationToken);
            }
            catch (BlobNotFoundException missing)
            {
                // The engine knows files, not stores: a missing blob is a missing file to it, which costs only that input.
                throw new FileNotFoundException(missing.Message, path, missing);
            }

            return await SafetensorsReader.OpenAsync(blob, cancellationToken: cancellationToken);
        })
        {
            Location = path,
        };
    }

    /// <summary>Reads only the header of the model at <paramref name="path"/>.</summary>
    public static async Task<SafetensorsHeader> ReadHeaderAsync(this IBlobStore blobs, string path, CancellationToken cancellationToken = default)
    {
        using var reader = await blobs.Source(path).OpenAsync(cancellationToken);
        return reader.Header;
    }

    /// <summary>
    /// Copies the blob at <paramref name="path"/> to a temporary local file, deleted when the returned
    /// stream is closed: for a model that is read many times, or in any order, during one step.
    /// </summary>
    public static async Task<FileStream> CopyToTemporaryFileAsync(this IBlobStore blobs, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"fedn-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var source = await blobs.OpenReadAsync(path, cancellationToken))
            {
                await source.CopyToAsync(file, 1 << 20, cancellationToken);
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <see cref="IBlobStore.WriteAsync"/> for a store that takes only finished content: runs
    /// <paramref name="write"/> into a temporary local file, then uploads that.
    /// </summary>
    public static async Task<StoredBlob> WriteThroughLocalFileAsync(this IBlobStore blobs, string path, BlobWriteMode mode, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(write);
        var file = Path.Combine(Path.GetTempPath(), $"fedn-{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(output, cancellationToken);
            }

            await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return await blobs.UploadAsync(path, input, mode, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
