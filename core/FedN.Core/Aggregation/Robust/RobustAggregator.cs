using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// The base of aggregators that are not linear (coordinate-wise median, trimmed mean, Krum): the
/// partial is an <see cref="IndexedUpdates"/>, and the reduce step reads every update of the round
/// tile by tile. The result depends only on the set of updates (they are read in id order), so it
/// is the same whatever number of combiners indexed them.
/// </summary>
public abstract class RobustAggregator : IAggregator
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public bool RequiresGlobalModel => false;

    /// <summary>Bytes the decoded tiles of all updates may take together (64 MiB by default); smaller means more, shorter reads.</summary>
    public long MemoryBudget { get; set; } = UpdateTiles.DefaultMemoryBudget;

    /// <summary>The fewest updates the rule is defined for.</summary>
    public virtual int MinimumUpdates => 1;

    /// <inheritdoc />
    public IPartialAggregator CreatePartial(SafetensorsHeader globalSchema) => new IndexedUpdates(globalSchema);

    /// <inheritdoc />
    public async Task<AggregationResult> ReduceAsync(IPartialAggregator merged, ReduceContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (merged is not IndexedUpdates index)
        {
            throw new ArgumentException($"{Name} reduces partials it created (IndexedUpdates), not {merged?.GetType().Name}.", nameof(merged));
        }

        if (index.Count == 0)
        {
            throw new InvalidOperationException("No update was aggregated, so there is no new model to compute.");
        }

        if (index.Count < MinimumUpdates)
        {
            throw new InvalidOperationException($"{Name} needs at least {MinimumUpdates} updates; the round has {index.Count}");
        }

        var entries = index.Entries;
        await using var tiles = await UpdateTiles.OpenAsync(entries, context.Resolve, index.Schema, MemoryBudget, cancellationToken);
        var metadata = new Dictionary<string, string>(context.Metadata ?? new Dictionary<string, string>()) { ["fedn.aggregator"] = Name };
        var header = SafetensorsHeader.Create(index.Schema.Tensors.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)), metadata);
        await using var writer = await SafetensorsWriter.CreateAsync(context.ModelOutput, header, leaveOpen: true, cancellationToken);
        await WriteModelAsync(new RobustReduce(tiles, entries, index.Schema, writer), cancellationToken);
        await writer.CompleteAsync(cancellationToken);
        return new AggregationResult(index.Count, index.TotalWeight, 0);
    }

    /// <summary>Writes the new model, every tensor of <see cref="RobustReduce.Schema"/> in order, usually with <see cref="RobustReduce.WriteCoordinatewiseAsync"/>.</summary>
    protected abstract Task WriteModelAsync(RobustReduce reduce, CancellationToken cancellationToken);
}

/// <summary>What a <see cref="RobustAggregator"/> reduces: the updates, open as tiles, and the model writer.</summary>
public sealed class RobustReduce
{
    private readonly UpdateTiles _tiles;
    private readonly SafetensorsWriter _writer;

    internal RobustReduce(UpdateTiles tiles, IReadOnlyList<IndexedUpdate> updates, SafetensorsHeader schema, SafetensorsWriter writer)
    {
        _tiles = tiles;
        _writer = writer;
        Updates = updates;
        Schema = schema;
    }

    /// <summary>The updates, in the order their rows are numbered (by id).</summary>
    public IReadOnlyList<IndexedUpdate> Updates { get; }

    /// <summary>The tensors of the model.</summary>
    public SafetensorsHeader Schema { get; }

    /// <summary>Elements per tile.</summary>
    public int TileElements => _tiles.TileElements;

    /// <summary>
    /// Visits every tile of every tensor with the rows <paramref name="rows"/> read: the updates'
    /// values of the tile, row i holding update i's values (as many as the second argument says).
    /// </summary>
    public async Task ForEachTileAsync(IReadOnlyList<int> rows, Action<double[][], int> visit, CancellationToken cancellationToken)
    {
        foreach (var tensor in Schema.Tensors)
        {
            for (long start = 0; start < tensor.ElementCount; start += TileElements)
            {
                var count = (int)Math.Min(TileElements, tensor.ElementCount - start);
                await _tiles.ReadAsync(tensor, start, count, rows, cancellationToken);
                visit(_tiles.Rows, count);
            }
        }
    }

    /// <summary>
    /// Writes the model coordinate by coordinate: for each tile, <paramref name="combine"/> turns the
    /// rows <paramref name="rows"/> into the new values (float64, the first as many as the tile
    /// holds, written in the model's dtype).
    /// </summary>
    public async Task WriteCoordinatewiseAsync(IReadOnlyList<int> rows, Action<double[][], int, double[]> combine, CancellationToken cancellationToken)
    {
        var output = new double[TileElements];
        var encoded = new byte[TileElements * sizeof(double)];
        foreach (var tensor in Schema.Tensors)
        {
            var size = tensor.DType.SizeInBytes();
            for (long start = 0; start < tensor.ElementCount; start += TileElements)
            {
                var count = (int)Math.Min(TileElements, tensor.ElementCount - start);
                await _tiles.ReadAsync(tensor, start, count, rows, cancellationToken);
                combine(_tiles.Rows, count, output);
                ElementCodec.Encode<double>(tensor.DType, output.AsSpan(0, count), encoded.AsSpan(0, count * size));
                await _writer.WriteAsync(encoded.AsMemory(0, count * size), cancellationToken);
            }
        }
    }

    /// <summary>
    /// For each of the first <paramref name="count"/> coordinates of the tile, gathers the N values of
    /// <paramref name="rows"/> into a scratch column and stores <paramref name="rule"/>'s answer in
    /// <paramref name="output"/>; coordinates are shared out over the cores, each with its own column.
    /// </summary>
    public static void ForEachCoordinate(double[][] rows, int count, double[] output, Func<double[], double> rule)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rule);
        var n = rows.Length;
        var parts = Math.Min(Environment.ProcessorCount, Math.Max(1, count / 256));
        Parallel.For(0, parts, part =>
        {
            var column = new double[n];
            var (from, to) = ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));
            for (var j = from; j < to; j++)
            {
                for (var i = 0; i < n; i++)
                {
                    column[i] = rows[i][j];
                }

                output[j] = rule(column);
            }
        });
    }

    /// <summary>All rows: 0 … N − 1.</summary>
    public IReadOnlyList<int> AllRows => [.. Enumerable.Range(0, Updates.Count)];
}
