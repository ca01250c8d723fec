using System.Buffers.Binary;
using FedN.Core.IO;

namespace FedN.Core.Safetensors;

/// <summary>
/// Writes a safetensors file in pieces: the header first (it is fully known from the tensors'
/// dtypes and shapes), then the tensors' bytes in data order, in chunks of any size.
/// <see cref="CompleteAsync"/> checks that exactly the declared bytes were written; for files it
/// then renames the finished file into place, so a failed or abandoned write leaves nothing under
/// the final name.
/// </summary>
public sealed class SafetensorsWriter : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly AtomicFile? _file;
    private readonly bool _leaveOpen;
    private long _written;
    private bool _completed;

    private SafetensorsWriter(Stream stream, AtomicFile? file, bool leaveOpen, SafetensorsHeader header)
    {
        _stream = stream;
        _file = file;
        _leaveOpen = leaveOpen;
        Header = header;
    }

    /// <summary>The header being written.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>Data bytes written so far.</summary>
    public long BytesWritten => _written;

    /// <summary>Starts writing to <paramref name="destination"/>.</summary>
    public static async Task<SafetensorsWriter> CreateAsync(Stream destination, SafetensorsHeader header, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(header);
        var writer = new SafetensorsWriter(destination, null, leaveOpen, header);
        await writer.WriteHeaderAsync(cancellationToken);
        return writer;
    }

    /// <summary>Starts writing the file at <paramref name="path"/>; it appears there only on <see cref="CompleteAsync"/>.</summary>
    public static async Task<SafetensorsWriter> CreateFileAsync(string path, SafetensorsHeader header, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        var file = AtomicFile.Create(path);
        var writer = new SafetensorsWriter(file.Stream, file, leaveOpen: false, header);
        try
        {
            await writer.WriteHeaderAsync(cancellationToken);
            return writer;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>Appends tensor bytes (little-endian elements, tensors in data order).</summary>
    /// <exception cref="InvalidOperationException">More bytes than the header declares.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_written + data.Length > Header.DataLength)
        {
            throw new InvalidOperationException($"Writing {data.Length} more bytes would exceed the {Header.DataLength} data bytes the header declares (written: {_written}).");
        }

        await _stream.WriteAsync(data, cancellationToken);
        _written += data.Length;
    }

    /// <summary>Checks that every declared byte was written, flushes, and (for files) moves the file into place.</summary>
    /// <exception cref="InvalidOperationException">Fewer bytes were written than the header declares.</exception>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_written != Header.DataLength)
        {
            throw new InvalidOperationException($"Only {_written} of the {Header.DataLength} data bytes the header declares were written.");
        }

        if (_file is not null)
        {
            await _file.CommitAsync(cancellationToken);
        }
        else
        {
            await _stream.FlushAsync(cancellationToken);
        }

        _completed = true;
    }

    /// <summary>Releases the destination; an uncompleted file is deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
        else if (!_leaveOpen)
        {
            await _stream.DisposeAsync();
        }

        _completed = true;
    }

    private async Task WriteHeaderAsync(CancellationToken cancellationToken)
    {
        var json = Header.ToJsonBytes();
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)json.Length);
        await _stream.WriteAsync(prefix, cancellationToken);
        await _stream.WriteAsync(json, cancellationToken);
    }
}
