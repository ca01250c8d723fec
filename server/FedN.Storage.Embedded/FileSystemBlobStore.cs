using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FedN.Storage;
using Microsoft.Win32.SafeHandles;

namespace FedN.Storage.Embedded;

/// <summary>
/// Blobs as files under a data directory. Writes go to a temporary file and are renamed into place
/// (create-only writes by a rename that fails if the name exists), so readers see whole blobs or
/// none, across processes and restarts. Leases are records guarded by an exclusive lock file, so two
/// server processes sharing the directory agree on who holds one.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    // Copies rent their buffer from the shared pool; file streams are unbuffered (a 1 MB buffer of
    // their own per write was a large-object allocation per update).
    private const int CopyBufferBytes = 1 << 20;

    // An upload's body arrives in 4 kB blocks; written when this much has gathered (or the body
    // ended), a 70 kB update is one write instead of eighteen.
    private const int GatheredWriteBytes = 1 << 16;
    private readonly FileSystemBlobStoreOptions _options;
    private readonly string _blobs;
    private readonly string _temp;

    // A prefix deletion removes the folders it empties, and may remove one a writer has just made
    // for its blob: the writer makes it again. Each deletion removes a folder once, so a few tries
    // do; the contract test races writes against deletions in a loop.
    private const int FolderAttempts = 8;
    private readonly FileLeaseTable _leases;

    /// <summary>Opens (creating if needed) the store in <see cref="FileSystemBlobStoreOptions.RootDirectory"/>.</summary>
    public FileSystemBlobStore(FileSystemBlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SigningKey is not { Length: >= 32 })
        {
            throw new ArgumentException("the transfer URL signing key must be at least 32 bytes", nameof(options));
        }

        _options = options;
        var root = Path.GetFullPath(options.RootDirectory);
        _blobs = Directory.CreateDirectory(Path.Combine(root, "blobs")).FullName;
        _temp = Directory.CreateDirectory(Path.Combine(root, "tmp")).FullName;
        _leases = new FileLeaseTable(Directory.CreateDirectory(Path.Combine(root, "leases")).FullName, options.TimeProvider);
        RemoveAbandonedWrites();
    }

    /// <summary>How long a temporary file may go unwritten before it counts as left behind by a process that died mid-write.</summary>
    public static TimeSpan AbandonedWriteAge { get; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Deletes what writers that died left in the temporary folder. Another process may share the
    /// directory (a hot standby) and be writing now, so only files untouched for
    /// <see cref="AbandonedWriteAge"/> go: a live write touches its file all the time.
    /// </summary>
    private void RemoveAbandonedWrites()
    {
        var cutoff = DateTime.UtcNow - AbandonedWriteAge;
        foreach (var file in new DirectoryInfo(_temp).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < cutoff)
            {
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // Someone else cleaned it up first, or it is still open: the next start tries again.
                }
            }
        }
    }

    /// <inheritdoc />
    public Task<StoredBlob> UploadAsync(string path, Stream content, BlobWriteMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAsync(path, mode, (file, ct) => content.CopyToAsync(file, CopyBufferBytes, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The writer writes the store's own temporary file, which is synced and renamed into place: no copy.</remarks>
    public Task<StoredBlob> WriteAsync(string path, BlobWriteMode mode, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteFileAsync(path, mode, write, cancellationToken);
    }

    /// <summary>
    /// Stores an HTTP request body as <paramref name="path"/>: what the request's pipe holds goes to
    /// the file as it is, in gathered writes of at least <see cref="GatheredWriteBytes"/>, instead of
    /// one write per 4 kB block the server received it in.
    /// </summary>
    internal Task<StoredBlob> UploadAsync(string path, PipeReader body, BlobWriteMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return WriteFileAsync(path, mode, (file, ct) => WriteGatheredAsync(body, file.SafeFileHandle, ct), cancellationToken);
    }

    private async Task<StoredBlob> WriteFileAsync(string path, BlobWriteMode mode, Func<FileStream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        // A create-only write is not checked first: the rename into place refuses a taken name, and
        // a write that finds its name taken (a retried upload) is rare enough to cost its bytes.
        var target = FileOf(path);
        if (mode == BlobWriteMode.Overwrite && _leases.IsLeased(path))
        {
            throw new BlobLeaseConflictException(path);
        }

        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        var placed = false;
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                await write(file, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            // The blob's size and time, read before the rename keeps them: the blob may be deleted
            // as soon as it is in place (retention of a round a late upload still writes to).
            var written = new FileInfo(temp);
            written.Refresh();
            placed = Place(temp, target, mode);
            return placed ? Properties(path, written) : throw new BlobAlreadyExistsException(path);
        }
        finally
        {
            if (!placed)
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Gives the written temporary file its blob's name, creating the blob's folder only when the
    /// move finds it missing. Returns <see langword="false"/> when a create-only write finds the name taken.
    /// </summary>
    private static bool Place(string temp, string target, BlobWriteMode mode)
    {
        var moved = Move(temp, target, mode);
        for (var made = 0; moved == NoReplaceRename.Result.NoFolder && made < FolderAttempts; made++)
        {
            MakeFolderOf(target);
            moved = Move(temp, target, mode);
        }

        return moved switch
        {
            NoReplaceRename.Result.Moved => true,
            NoReplaceRename.Result.NameTaken => false,
            _ => throw new DirectoryNotFoundException($"the folder of '{target}' vanished while the blob was being placed"),
        };
    }

    /// <summary>Makes <paramref name="target"/>'s folder, unless a prefix deletion removes one of its parents meanwhile (the caller's next try makes it again).</summary>
    private static void MakeFolderOf(string target)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static NoReplaceRename.Result Move(string temp, string target, BlobWriteMode mode)
    {
        if (mode == BlobWriteMode.CreateOnly)
        {
            return NoReplaceRename.TryMove(temp, target);
        }

        try
        {
            File.Move(temp, target, overwrite: true);
            return NoReplaceRename.Result.Moved;
        }
        catch (IOException) when (!Directory.Exists(Path.GetDirectoryName(target)))
        {
            return NoReplaceRename.Result.NoFolder;
        }
    }

    private static async Task WriteGatheredAsync(PipeReader body, SafeFileHandle file, CancellationToken cancellationToken)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        long offset = 0;
        while (true)
        {
            var read = await body.ReadAtLeastAsync(GatheredWriteBytes, cancellationToken);
            var buffer = read.Buffer;
            segments.Clear();
            foreach (var segment in buffer)
            {
                segments.Add(segment);
            }

            // A cancelled read is not the end of the body: nothing partial may be placed.
            if (read.IsCanceled)
            {
                throw new OperationCanceledException("the upload's body was cancelled before its end");
            }

            // Synchronous: a write to the page cache takes microseconds, less than a hop to the I/O pool.
            RandomAccess.Write(file, segments, offset);
            offset += buffer.Length;
            body.AdvanceTo(buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Created in place, exclusively (<c>O_EXCL</c>), and not synced: no temporary file, rename or fsync.</remarks>
    public Task<bool> TryCreateMarkerAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var target = FileOf(path);
        for (var made = 0; ; made++)
        {
            try
            {
                using var file = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                RandomAccess.Write(file, content.Span, fileOffset: 0);
                return Task.FromResult(true);
            }

            // Creating a file fails with "not found" only for want of its folder (.NET names it either
            // way, depending on whether the folder is back when it looks).
            catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException && made < FolderAttempts)
            {
                MakeFolderOf(target);
            }
            catch (IOException) when (File.Exists(target))
            {
                return Task.FromResult(false);
            }
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            // Blobs are replaced whole by rename, so readers need no lock and may outlive a delete.
            Stream stream = new FileStream(FileOf(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.Asynchronous);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(path, e);
        }
    }

    /// <inheritdoc />
    public async Task DownloadToAsync(string path, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var source = await OpenReadAsync(path, cancellationToken);
        await source.CopyToAsync(destination, CopyBufferBytes, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredBlob?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(FileOf(path));
        return Task.FromResult(info.Exists ? Properties(path, info) : null);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredBlob> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobPath.ValidatePrefix(prefix);
        await Task.Yield();
        foreach (var (path, info) in FilesUnder(prefix, out _).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Properties(path, info);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = FileOf(path);
        if (_leases.IsLeased(path))
        {
            throw new BlobLeaseConflictException(path);
        }

        if (!File.Exists(file))
        {
            return Task.FromResult(false); // File.Delete would throw when the folder is missing too
        }

        File.Delete(file);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        BlobPath.ValidateDeletionPrefix(prefix);

        // Listed first, so that unlinking does not race the walk of the same folders.
        var files = FilesUnder(prefix, out var directory).ToList();
        var deleted = 0;
        string? leased = null;
        foreach (var (path, file) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_leases.IsLeased(path))
            {
                leased ??= path;
                continue;
            }

            file.Delete();
            deleted++;
        }

        if (prefix.EndsWith('/') && Directory.Exists(directory))
        {
            RemoveEmptyFolders(directory);
        }

        return leased is null ? Task.FromResult(deleted) : throw new BlobLeaseConflictException(leased);
    }

    /// <summary>
    /// The blobs whose path starts with <paramref name="prefix"/>, unordered: the files under the
    /// deepest folder the prefix names (<paramref name="directory"/>), filtered by the whole prefix.
    /// </summary>
    private IEnumerable<(string Path, FileInfo Info)> FilesUnder(string prefix, out string directory)
    {
        var slash = prefix.LastIndexOf('/');
        directory = slash < 0 ? _blobs : Path.Combine(_blobs, prefix[..slash]);
        return !Directory.Exists(directory) ? [] : new DirectoryInfo(directory)
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Select(f => (Path: Path.GetRelativePath(_blobs, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), Info: f))
            .Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// Removes <paramref name="directory"/> and the folders under it that are empty, deepest first. A
    /// folder a writer has just put a file in stays (it is not empty), and a writer whose folder
    /// went makes it again (<see cref="Place"/>).
    /// </summary>
    private static void RemoveEmptyFolders(string directory)
    {
        foreach (var folder in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).OrderByDescending(folder => folder.Length).Append(directory).ToList())
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                // Not empty, or already gone.
            }
        }
    }

    /// <inheritdoc />
    public async Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        LeaseDuration.Validate(duration);
        if (!File.Exists(FileOf(path)))
        {
            try
            {
                await UploadAsync(path, Stream.Null, BlobWriteMode.CreateOnly, cancellationToken);
            }
            catch (BlobAlreadyExistsException)
            {
                // Someone created it meanwhile: fine, it exists.
            }
        }

        return _leases.TryAcquire(path, duration);
    }

    /// <inheritdoc />
    public Task<Uri> CreateDownloadUrlAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
        Task.FromResult(TransferUrl(path, TransferAccess.Read, lifetime, maxBytes: null));

    /// <inheritdoc />
    public Task<Uri> CreateUploadUrlAsync(string path, TimeSpan lifetime, long? maxBytes = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(TransferUrl(path, TransferAccess.Create, lifetime, maxBytes is null or > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes), "an upload limit must be positive")));

    /// <summary>Checks a transfer token from a URL; on failure, <paramref name="error"/> says why.</summary>
    internal TransferToken? VerifyTransfer(string token, out string? error) =>
        TransferToken.Verify(token, _options.SigningKey, _options.TimeProvider.GetUtcNow(), out error);

    private Uri TransferUrl(string path, TransferAccess access, TimeSpan lifetime, long? maxBytes)
    {
        BlobPath.Validate(path);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "a transfer URL's lifetime must be positive");
        }

        var baseUri = _options.TransferBaseUri
            ?? throw new InvalidOperationException("This store has no TransferBaseUri: transfer URLs need the address of the server that maps MapBlobTransfer.");
        var token = new TransferToken(path, access, _options.TimeProvider.GetUtcNow() + lifetime, maxBytes).Sign(_options.SigningKey);
        return new Uri(baseUri, "transfer/" + token);
    }

    private string FileOf(string path) => Path.Combine(_blobs, BlobPath.Validate(path).Replace('/', Path.DirectorySeparatorChar));

    private static StoredBlob Properties(string path, FileInfo info) =>
        new(path, info.Length, $"\"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}\"", info.LastWriteTimeUtc);
}
