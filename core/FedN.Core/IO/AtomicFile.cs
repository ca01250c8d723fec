namespace FedN.Core.IO;

/// <summary>
/// A file written under a temporary name beside its destination and renamed into place on
/// <see cref="CommitAsync"/>, so readers see either the old file or the complete new one, never a
/// half-written one. Disposing without committing deletes the temporary file.
/// </summary>
public sealed class AtomicFile : IAsyncDisposable, IDisposable
{
    private readonly FileStream _stream;
    private bool _committed;

    private AtomicFile(string path, string temporaryPath, FileStream stream)
    {
        Path = path;
        TemporaryPath = temporaryPath;
        _stream = stream;
    }

    /// <summary>The destination path.</summary>
    public string Path { get; }

    /// <summary>Where the bytes go until the commit.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write the content to.</summary>
    public Stream Stream => _stream;

    /// <summary>Starts writing a file that will replace <paramref name="path"/> on commit. The directory must exist.</summary>
    public static AtomicFile Create(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, FileOptions.None);
        return new AtomicFile(full, temporary, stream);
    }

    /// <summary>Flushes the content to disk and renames it to <see cref="Path"/>, replacing any file there.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        await _stream.FlushAsync(cancellationToken);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
        File.Move(TemporaryPath, Path, overwrite: true);
        _committed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _stream.Dispose();
        File.Delete(TemporaryPath);
        _committed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_committed)
        {
            return;
        }

        await _stream.DisposeAsync();
        File.Delete(TemporaryPath);
        _committed = true;
    }
}
