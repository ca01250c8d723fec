using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace FedN.Core.Safetensors;

/// <summary>
/// Reads a safetensors file or stream in pieces: the header is parsed and validated on open, and
/// tensor bytes are then read in chunks of the caller's choosing, so a model of any size is never
/// held in memory. Nothing is allocated from the file's own claims before they are checked against
/// the limits in <see cref="SafetensorsReadOptions"/> and, where known, the file's length.
/// </summary>
/// <remarks>
/// Files are read with positional reads (any order, no shared position). Other streams are read
/// forwards; a seekable stream may also be read in any order.
/// </remarks>
public sealed class SafetensorsReader : IAsyncDisposable, IDisposable
{
    private const int HeaderChunkBytes = 1 << 16;
    private const int FirstReadBytes = 1 << 12;
    private readonly SafeFileHandle? _file;
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private readonly bool _lengthKnown;
    private long _streamPosition;

    private SafetensorsReader(SafeFileHandle? file, Stream? stream, bool leaveOpen, SafetensorsHeader header, long dataOffset, bool lengthKnown, long position)
    {
        _file = file;
        _stream = stream;
        _leaveOpen = leaveOpen;
        Header = header;
        DataOffset = dataOffset;
        _lengthKnown = lengthKnown;
        _streamPosition = position;
    }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>Absolute position of the data section: 8 plus the header length.</summary>
    public long DataOffset { get; }

    /// <summary>Whether tensors can be read in any order (files and seekable streams).</summary>
    public bool IsRandomAccess => _file is not null || _stream!.CanSeek;

    /// <summary>Whether the bytes are in a local file: random access that costs no buffer per reader (a remote stream keeps one).</summary>
    public bool IsLocalFile => _file is not null || _stream is FileStream;

    /// <summary>Opens and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="SafetensorsFormatException">The file is not valid safetensors.</exception>
    public static SafetensorsReader OpenFile(string path, SafetensorsReadOptions? options = null)
    {
        options ??= SafetensorsReadOptions.Default;

        // Files are only ever replaced whole (written aside, then renamed), so readers need no lock;
        // sharing delete lets retention remove a file a reader still has open.
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var length = RandomAccess.GetLength(handle);

            // One read for the length prefix and, usually, the whole header.
            var head = new byte[(int)Math.Min(length, FirstReadBytes)];
            var read = ReadAtMost(handle, head, 0);
            var headerLength = CheckPrefix(head.AsSpan(0, Math.Min(read, 8)), length, options);
            ReadOnlySpan<byte> json;
            if (8 + headerLength <= read)
            {
                json = head.AsSpan(8, (int)headerLength);
            }
            else
            {
                var whole = new byte[headerLength];
                if (ReadAtMost(handle, whole, 8) != whole.Length)
                {
                    throw new SafetensorsFormatException("file changed while its header was read");
                }

                json = whole;
            }

            var header = SafetensorsHeader.Parse(json, options);
            CheckDataLength(header, length - 8 - headerLength);
            return new SafetensorsReader(handle, null, leaveOpen: false, header, 8 + headerLength, lengthKnown: true, 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens and validates safetensors data from <paramref name="stream"/>, which is positioned at its start.</summary>
    /// <exception cref="SafetensorsFormatException">The data is not valid safetensors.</exception>
    public static async Task<SafetensorsReader> OpenAsync(Stream stream, SafetensorsReadOptions? options = null, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= SafetensorsReadOptions.Default;
        try
        {
            long? length = stream.CanSeek ? stream.Length - stream.Position : null;
            var prefix = new byte[8];
            var read = await stream.ReadAtLeastAsync(prefix, 8, throwOnEndOfStream: false, cancellationToken);
            var headerLength = CheckPrefix(prefix.AsSpan(0, read), length, options);
            var json = await ReadHeaderAsync(stream, headerLength, cancellationToken);
            var header = SafetensorsHeader.Parse(json, options);
            if (length is { } known)
            {
                CheckDataLength(header, known - 8 - headerLength);
            }

            var position = stream.CanSeek ? stream.Position : 8 + headerLength;
            return new SafetensorsReader(null, stream, leaveOpen, header, position, length is not null, position);
        }
        catch
        {
            if (!leaveOpen)
            {
                await stream.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes of <paramref name="tensor"/> starting
    /// <paramref name="offsetInTensor"/> bytes into it. A forward-only stream must be read in data order.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The data ends early.</exception>
    public async ValueTask ReadAsync(TensorInfo tensor, long offsetInTensor, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (offsetInTensor < 0 || offsetInTensor + destination.Length > tensor.ByteLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offsetInTensor), $"bytes [{offsetInTensor}, {offsetInTensor + destination.Length}) are outside tensor '{tensor.Name}' ({tensor.ByteLength} bytes)");
        }

        var absolute = DataOffset + tensor.DataBegin + offsetInTensor;
        if (_file is not null)
        {
            if (ReadAtMost(_file, destination.Span, absolute) != destination.Length)
            {
                throw Truncated(tensor);
            }

            return;
        }

        await MoveToAsync(absolute, cancellationToken);
        try
        {
            await _stream!.ReadExactlyAsync(destination, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw Truncated(tensor);
        }

        _streamPosition += destination.Length;
    }

    /// <summary>
    /// For streams whose length was not known at open: reads to the end of the data section and
    /// checks that the stream ends exactly there (nothing missing, nothing trailing). Files and
    /// seekable streams were checked on open; this returns at once for them.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The data is truncated or followed by more bytes.</exception>
    public async ValueTask VerifyEndAsync(CancellationToken cancellationToken = default)
    {
        if (_lengthKnown)
        {
            return;
        }

        await MoveToAsync(DataOffset + Header.DataLength, cancellationToken);
        var probe = new byte[1];
        if (await _stream!.ReadAsync(probe, cancellationToken) != 0)
        {
            throw new SafetensorsFormatException("data continues after the last tensor (trailing bytes)");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _file?.Dispose();
        if (!_leaveOpen)
        {
            _stream?.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _file?.Dispose();
        if (!_leaveOpen && _stream is not null)
        {
            await _stream.DisposeAsync();
        }
    }

    private async ValueTask MoveToAsync(long absolute, CancellationToken cancellationToken)
    {
        if (absolute == _streamPosition)
        {
            return;
        }

        if (_stream!.CanSeek)
        {
            _stream.Seek(absolute - _streamPosition, SeekOrigin.Current);
            _streamPosition = absolute;
            return;
        }

        if (absolute < _streamPosition)
        {
            throw new InvalidOperationException("This stream reads forwards only: read tensors in data order (SafetensorsHeader.Tensors).");
        }

        var skip = new byte[(int)Math.Min(HeaderChunkBytes, absolute - _streamPosition)];
        while (_streamPosition < absolute)
        {
            var want = (int)Math.Min(skip.Length, absolute - _streamPosition);
            var got = await _stream.ReadAsync(skip.AsMemory(0, want), cancellationToken);
            if (got == 0)
            {
                throw new SafetensorsFormatException($"data truncated: the header describes {Header.DataLength} data bytes but the stream ends after {_streamPosition - DataOffset}");
            }

            _streamPosition += got;
        }
    }

    private static SafetensorsFormatException Truncated(TensorInfo tensor) =>
        new($"data truncated: tensor '{tensor.Name}' needs bytes up to {tensor.DataEnd} of the data section, which ends early");

    private static long CheckPrefix(ReadOnlySpan<byte> prefix, long? totalLength, SafetensorsReadOptions options)
    {
        if (prefix.Length < 8)
        {
            throw new SafetensorsFormatException($"{prefix.Length} bytes is too short for a safetensors file, which starts with an 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var implausible = headerLength > (ulong)options.MaxHeaderBytes || (totalLength is { } all && (long)headerLength > all - 8);
        if (implausible && IsText(prefix[..8]))
        {
            // Most often a text file (JSON, CSV, a script, an error page) given where a model belongs.
            throw new SafetensorsFormatException($"this is not a safetensors file: it starts with text (\"{System.Text.Encoding.ASCII.GetString(prefix[..8])}…\"), and a safetensors file starts with an 8-byte little-endian header length");
        }

        if (headerLength > (ulong)options.MaxHeaderBytes)
        {
            throw new SafetensorsFormatException($"header length {headerLength} exceeds the limit of {options.MaxHeaderBytes} bytes");
        }

        if (headerLength < 2)
        {
            throw new SafetensorsFormatException($"header length {headerLength} is too small for a JSON object");
        }

        if (totalLength is { } length && (long)headerLength > length - 8)
        {
            throw new SafetensorsFormatException($"header length {headerLength} goes past the end of the data ({length} bytes in all)");
        }

        return (long)headerLength;
    }

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((>= 0x20 and < 0x7f) or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckDataLength(SafetensorsHeader header, long available)
    {
        if (available < header.DataLength)
        {
            throw new SafetensorsFormatException($"data truncated: the header describes {header.DataLength} data bytes but only {available} follow it");
        }

        if (available > header.DataLength)
        {
            throw new SafetensorsFormatException($"{available - header.DataLength} trailing bytes after the last tensor (the header describes {header.DataLength} data bytes)");
        }
    }

    private static async Task<byte[]> ReadHeaderAsync(Stream stream, long headerLength, CancellationToken cancellationToken)
    {
        // Grow with what actually arrives, so a lying length prefix on a short stream cannot make us
        // allocate the full claimed size.
        var json = new byte[Math.Min(headerLength, HeaderChunkBytes)];
        var filled = 0;
        while (filled < headerLength)
        {
            if (filled == json.Length)
            {
                Array.Resize(ref json, (int)Math.Min(headerLength, (long)json.Length * 2));
            }

            var got = await stream.ReadAsync(json.AsMemory(filled), cancellationToken);
            if (got == 0)
            {
                throw new SafetensorsFormatException($"header length {headerLength} goes past the end of the data ({8 + filled} bytes in all)");
            }

            filled += got;
        }

        return json;
    }

    private static int ReadAtMost(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var got = RandomAccess.Read(handle, destination[total..], offset + total);
            if (got == 0)
            {
                break;
            }

            total += got;
        }

        return total;
    }
}
