using System.Numerics.Tensors;
using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// Every update of a round, open at once and read tile by tile: the same element range of one
/// tensor from each update, decoded to float64, so a coordinate-wise rule sees all N values of a
/// coordinate together. Memory is N × <see cref="TileElements"/> values, which the tile size keeps
/// under a budget whatever N is; an update that is not a local file is copied to one first, since
/// a remote reader keeps a buffer of its own.
/// </summary>
internal sealed class UpdateTiles : IAsyncDisposable
{
    /// <summary>Bytes the decoded tiles of all updates may take together.</summary>
    public const long DefaultMemoryBudget = 64L << 20;

    private const int MaxTileElements = 1 << 16;
    private const int MinTileElements = 256;

    private readonly SafetensorsReader[] _readers;
    private readonly List<string> _stagedFiles;
    private readonly byte[] _raw;

    private UpdateTiles(SafetensorsReader[] readers, List<string> stagedFiles, int tileElements)
    {
        _readers = readers;
        _stagedFiles = stagedFiles;
        TileElements = tileElements;
        _raw = new byte[tileElements * sizeof(double)];
        Rows = [.. readers.Select(_ => new double[tileElements])];
    }

    /// <summary>Number of updates.</summary>
    public int Count => _readers.Length;

    /// <summary>Elements per tile.</summary>
    public int TileElements { get; }

    /// <summary>The last tile read of each update (row i is update i; only the rows asked for are fresh).</summary>
    public double[][] Rows { get; }

    /// <summary>Opens the updates, resolving those indexed in another process by their location.</summary>
    /// <exception cref="InvalidDataException">An update no longer matches the schema it was indexed against, or cannot be found.</exception>
    public static async Task<UpdateTiles> OpenAsync(IReadOnlyList<IndexedUpdate> updates, Func<string, ModelSource>? resolve, SafetensorsHeader schema, long memoryBudget, CancellationToken cancellationToken)
    {
        var tile = (int)Math.Clamp(memoryBudget / (Math.Max(1, updates.Count) * (long)sizeof(double)), MinTileElements, MaxTileElements);
        var readers = new SafetensorsReader[updates.Count];
        List<string> staged = [];
        var opened = 0;
        try
        {
            for (; opened < updates.Count; opened++)
            {
                var update = updates[opened];
                var source = update.Source
                    ?? (update.Location is not null && resolve is not null ? resolve(update.Location) : null)
                    ?? throw new InvalidOperationException($"update '{update.Id}' was indexed in another process; the reduce step needs ReduceContext.Resolve to open it");
                var reader = await source.OpenAsync(cancellationToken);
                if (!reader.IsLocalFile)
                {
                    using (reader)
                    {
                        var file = Path.Combine(Path.GetTempPath(), $"fedn-robust-{Guid.NewGuid():N}.safetensors");
                        staged.Add(file);
                        await CopyAsync(reader, file, cancellationToken);
                    }

                    reader = SafetensorsReader.OpenFile(staged[^1]);
                }

                readers[opened] = reader;
                if (SchemaCheck.FindMismatch(schema, reader.Header, t => t.DType) is { } mismatch)
                {
                    throw new InvalidDataException($"update '{update.Id}' changed since it was indexed: {mismatch}");
                }
            }

            return new UpdateTiles(readers, staged, tile);
        }
        catch
        {
            foreach (var reader in readers.Take(opened + 1).OfType<SafetensorsReader>())
            {
                reader.Dispose();
            }

            DeleteAll(staged);
            throw;
        }
    }

    /// <summary>Reads elements [<paramref name="start"/>, +<paramref name="count"/>) of <paramref name="tensor"/> of the updates <paramref name="rows"/> into <see cref="Rows"/>.</summary>
    /// <exception cref="InvalidDataException">An update holds a value that is not finite (it changed since it was indexed).</exception>
    public async Task ReadAsync(TensorInfo tensor, long start, int count, IReadOnlyList<int> rows, CancellationToken cancellationToken)
    {
        var size = tensor.DType.SizeInBytes();
        foreach (var row in rows)
        {
            var reader = _readers[row];
            reader.Header.TryGetTensor(tensor.Name, out var own);
            await reader.ReadAsync(own!, start * size, _raw.AsMemory(0, count * size), cancellationToken);
            var values = Rows[row].AsSpan(0, count);
            ElementCodec.Decode<double>(own!.DType, _raw.AsSpan(0, count * size), values);
            if (!TensorPrimitives.IsFiniteAll<double>(values))
            {
                throw new InvalidDataException($"an update's tensor '{tensor.Name}' now holds a value that is not finite; it changed since it was indexed");
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }

        DeleteAll(_stagedFiles);
        return ValueTask.CompletedTask;
    }

    private static async Task CopyAsync(SafetensorsReader reader, string file, CancellationToken cancellationToken)
    {
        await using var writer = await SafetensorsWriter.CreateFileAsync(file, SafetensorsHeader.Create(reader.Header.Tensors.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)), reader.Header.Metadata), cancellationToken);
        var buffer = new byte[1 << 20];
        foreach (var tensor in reader.Header.Tensors)
        {
            var length = tensor.ElementCount * tensor.DType.SizeInBytes();
            for (long offset = 0; offset < length; offset += buffer.Length)
            {
                var count = (int)Math.Min(buffer.Length, length - offset);
                await reader.ReadAsync(tensor, offset, buffer.AsMemory(0, count), cancellationToken);
                await writer.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static void DeleteAll(List<string> files)
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }
}
