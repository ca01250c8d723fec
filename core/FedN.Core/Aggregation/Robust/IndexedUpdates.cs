using System.Numerics.Tensors;
using System.Text.Json;
using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// The partial of an aggregator that is not linear: the updates themselves are needed at reduce,
/// so a combiner checks each one in full (schema, weight, duplicates, every value finite) and
/// records where it is. Partials merge by union; the reduce step reads the updates tile by tile.
/// Memory is one tile per check, plus an entry per update.
/// </summary>
public sealed class IndexedUpdates : IPartialAggregator
{
    /// <summary>The <c>__metadata__</c> key holding the index (JSON) in a written partial.</summary>
    public const string IndexKey = "fedn.index";

    private const int TileElements = 1 << 16;

    private readonly SafetensorsHeader _schema;
    private readonly List<IndexedUpdate> _entries = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly List<UpdateRejection> _rejections = [];

    /// <summary>Starts an empty index for updates of the model <paramref name="globalSchema"/> describes.</summary>
    public IndexedUpdates(SafetensorsHeader globalSchema)
    {
        ArgumentNullException.ThrowIfNull(globalSchema);
        _schema = globalSchema;
    }

    /// <summary>The tensors every update has.</summary>
    public SafetensorsHeader Schema => _schema;

    /// <summary>The updates indexed, ordered by id: the order the reduce step reads them in, whichever combiner indexed each.</summary>
    public IReadOnlyList<IndexedUpdate> Entries => [.. _entries.OrderBy(e => e.Id, StringComparer.Ordinal)];

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public double TotalWeight => _entries.Sum(e => e.Weight);

    /// <inheritdoc />
    public IReadOnlyList<UpdateRejection> Rejections => _rejections;

    /// <inheritdoc />
    public async Task<IReadOnlyList<UpdateRejection>> AddUpdatesAsync(IReadOnlyList<WeightedUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var before = _rejections.Count;
        foreach (var update in updates)
        {
            var problem = _ids.Contains(update.Model.Id) ? $"duplicate: '{update.Model.Id}' was already aggregated"
                : !(double.IsFinite(update.Weight) && update.Weight > 0) ? $"weight {update.Weight} is not a positive number of examples"
                : await FindProblemAsync(update.Model, cancellationToken);
            if (problem is not null)
            {
                _rejections.Add(new UpdateRejection(update.Model.Id, problem));
                continue;
            }

            _ids.Add(update.Model.Id);
            _entries.Add(new IndexedUpdate(update.Model.Id, update.Model.Location, update.Weight) { Source = update.Model });
        }

        return _rejections.GetRange(before, _rejections.Count - before);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UpdateRejection>> AddPartialsAsync(IReadOnlyList<ModelSource> partials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partials);
        var before = _rejections.Count;
        foreach (var partial in partials)
        {
            var (entries, problem) = await ReadIndexAsync(partial, cancellationToken);
            problem ??= entries!.FirstOrDefault(e => _ids.Contains(e.Id)) is { } twice ? $"update '{twice.Id}' is in two partials" : null;
            if (problem is not null)
            {
                _rejections.Add(new UpdateRejection(partial.Id, problem));
                continue;
            }

            foreach (var entry in entries!)
            {
                _ids.Add(entry.Id);
                _entries.Add(entry);
            }
        }

        return _rejections.GetRange(before, _rejections.Count - before);
    }

    /// <inheritdoc />
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        var unnamed = _entries.FirstOrDefault(e => e.Location is null);
        if (unnamed is not null)
        {
            throw new InvalidOperationException($"update '{unnamed.Id}' has no location, so another stage could not read it; index updates from files or blobs");
        }

        var index = JsonSerializer.Serialize(Entries.Select(e => new IndexEntry(e.Id, e.Location!, e.Weight)).ToList(), IndexJson.Options);
        var metadata = PartialMetadata.Create(TotalWeight, Count);
        metadata[IndexKey] = index;
        await using var writer = await SafetensorsWriter.CreateAsync(destination, SafetensorsHeader.Create([], metadata), leaveOpen: true, cancellationToken);
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Nothing to release: the index holds no model-sized memory.</summary>
    public void Dispose()
    {
    }

    /// <summary>Why <paramref name="model"/> cannot be aggregated, or <see langword="null"/>: it is read in full once, so a NaN anywhere refuses it here.</summary>
    private async Task<string?> FindProblemAsync(ModelSource model, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = await model.OpenAsync(cancellationToken);
            if (SchemaCheck.FindMismatch(_schema, reader.Header, t => t.DType) is { } mismatch)
            {
                return $"the model does not match the global model ({mismatch})";
            }

            var raw = new byte[TileElements * sizeof(double)];
            var values = new double[TileElements];
            foreach (var tensor in reader.Header.Tensors)
            {
                var size = tensor.DType.SizeInBytes();
                for (long start = 0; start < tensor.ElementCount; start += TileElements)
                {
                    var count = (int)Math.Min(TileElements, tensor.ElementCount - start);
                    await reader.ReadAsync(tensor, start * size, raw.AsMemory(0, count * size), cancellationToken);
                    ElementCodec.Decode<double>(tensor.DType, raw.AsSpan(0, count * size), values.AsSpan(0, count));
                    if (!TensorPrimitives.IsFiniteAll<double>(values.AsSpan(0, count)))
                    {
                        return $"tensor '{tensor.Name}' holds NaN or infinite values";
                    }
                }
            }

            if (!reader.IsRandomAccess)
            {
                await reader.VerifyEndAsync(cancellationToken);
            }

            return null;
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            return e is SafetensorsFormatException ? e.Message : $"cannot be read: {e.Message}";
        }
    }

    private static async Task<(List<IndexedUpdate>? Entries, string? Problem)> ReadIndexAsync(ModelSource partial, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = await partial.OpenAsync(cancellationToken);
            var (weight, count, error) = PartialMetadata.Read(reader.Header);
            if (error is not null)
            {
                return (null, error);
            }

            if (!reader.Header.Metadata.TryGetValue(IndexKey, out var json))
            {
                return (null, $"the partial has no {IndexKey}: it was written by a linear aggregator, not this one");
            }

            var index = JsonSerializer.Deserialize<List<IndexEntry>>(json, IndexJson.Options);
            if (index is null || index.Count != count || index.Any(e => string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.Location) || !(double.IsFinite(e.Weight) && e.Weight > 0)))
            {
                return (null, $"the partial's {IndexKey} is not {count} entries of id, location and positive weight");
            }

            if (index.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count() != index.Count)
            {
                return (null, $"the partial's {IndexKey} names an update twice");
            }

            return ([.. index.Select(e => new IndexedUpdate(e.Id, e.Location, e.Weight))], null);
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or JsonException)
        {
            return (null, e.Message);
        }
    }

    private sealed record IndexEntry(string Id, string Location, double Weight);

    private static class IndexJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    }
}

/// <summary>An update an <see cref="IndexedUpdates"/> accepted.</summary>
/// <param name="Id">Who it comes from.</param>
/// <param name="Location">Where it is kept (see <see cref="ModelSource.Location"/>).</param>
/// <param name="Weight">Its number of examples.</param>
public sealed record IndexedUpdate(string Id, string? Location, double Weight)
{
    /// <summary>The source it was indexed from, when in this process; otherwise the reduce step resolves <see cref="Location"/>.</summary>
    public ModelSource? Source { get; init; }
}
