using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>
/// Streaming weighted sum of model updates: S = Σ wᵢ·xᵢ, W = Σ wᵢ, n = count. This is the
/// partial that FedAvg-family aggregators compose: partials over any split of the clients add up
/// to the same S, W, n as one flat pass (up to floating-point rounding), so K combiners followed by
/// a reducer give exactly FedAvg's weighted mean S / W, unlike an unweighted mean of combiner models.
/// </summary>
/// <remarks>
/// <para>Memory is one accumulator per tensor (the model's size) plus fixed tile buffers, whatever
/// the number of updates. The accumulators' arrays are reused by the next sum of the process once
/// this one is disposed (<see cref="AccumulatorArrays"/>). Updates are streamed tile by tile; when several are added at once, each
/// tile of the accumulator is loaded once per batch instead of once per update.</para>
/// <para>A one-shot sum (<see cref="PartialOptions.OneShot"/>) given all its inputs in one call
/// holds them unread, their headers checked, and folds them when the sum is read: each tile of
/// the sum is folded across all inputs and written out (or handed to the reduce step) before the
/// next, so no model-sized array is ever allocated. The bytes are the same as the streaming sum's:
/// the same tiles, folded in the same order from zero. Adding more inputs later folds the held
/// ones into arrays first.</para>
/// <para>Precision: F64 and 32/64-bit integer tensors accumulate in float64, all others (F32, F16,
/// BF16, small integers) in float32. float32 keeps the accumulator the size of an F32 model (the
/// memory bound of a combiner), and its rounding (relative error about n·2⁻²⁴ in the worst case, far
/// less in practice) is below the noise of SGD. Products and sums are not fused (no FMA), so the
/// same inputs in the same order give bit-identical partials on every CPU: a retried combiner
/// reproduces its partial exactly.</para>
/// <para>An update found bad midway (NaN/Inf, truncated data) has already been added to some
/// tiles; the accumulator is then rebuilt from the updates accepted before, so a rejected update
/// never touches the result. Rebuilds re-read earlier updates; they happen only on bad input.</para>
/// </remarks>
public sealed partial class WeightedSumAccumulator : IPartialAggregator
{
    /// <summary>Most updates folded together in one pass; larger requests are split.</summary>
    public const int MaxBatchSize = 16;

    // Tiles of all inputs of a batch share this budget, so that they and the accumulator's tile stay
    // in cache while the batch is folded in; a tile is never smaller than MinTileBytes so reads stay
    // large. Tiles are read on one core and folded on another, so they meet in the shared L3: 4 MiB
    // (two tile sets of it in flight) measured better than 1 and 2 MiB on the 2-core CI machines
    // (32 MiB L3), as fewer, larger steps mean fewer hand-offs between the two.
    private const int WorkingSetBytes = 1 << 22;
    private const int MinTileBytes = 1 << 16;
    private const int MaxTileBytes = 1 << 20;

    // Reading a tile on another thread costs a few microseconds of hand-off; below this size the
    // read is done in line, so small models (cross-device) do not pay more than they gain.
    private const int MinReadAheadBytes = 1 << 18;
    private readonly SafetensorsHeader _schema;
    private readonly Dictionary<string, AccumulatorTensor> _tensors;
    private readonly List<Input> _accepted = [];
    private readonly HashSet<string> _acceptedIds = new(StringComparer.Ordinal);
    private readonly List<UpdateRejection> _rejections = [];
    private readonly TileSet[] _tileSets = [new(), new()];
    private SafetensorsHeader? _lastMatchingUpdateHeader;
    private bool _disposed;
    private readonly byte[] _staging = new byte[MaxTileBytes];
    private readonly bool _oneShot;

    // A one-shot sum's inputs, opened and checked, not yet folded (null once folded into arrays).
    private List<OpenedInput>? _held;

    // Set when a held input's data turned out bad after it was accepted: the sum can no longer be trusted.
    private string? _failure;

    /// <summary>Starts an empty sum for updates of the model described by <paramref name="globalSchema"/>.</summary>
    /// <exception cref="ArgumentException">The model has a tensor whose dtype has no arithmetic (BOOL, 8-bit floats).</exception>
    public WeightedSumAccumulator(SafetensorsHeader globalSchema)
        : this(globalSchema, AccumulatorArrays.Shared)
    {
    }

    /// <summary>Starts an empty sum meant to be used as <paramref name="options"/> say (see <see cref="PartialOptions.OneShot"/>).</summary>
    /// <exception cref="ArgumentException">The model has a tensor whose dtype has no arithmetic (BOOL, 8-bit floats).</exception>
    public WeightedSumAccumulator(SafetensorsHeader globalSchema, PartialOptions options)
        : this(globalSchema, AccumulatorArrays.Shared, options)
    {
    }

    /// <summary>Starts an empty sum whose arrays come from (and go back to) <paramref name="arrays"/>.</summary>
    internal WeightedSumAccumulator(SafetensorsHeader globalSchema, AccumulatorArrays arrays, PartialOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(globalSchema);
        var unsupported = globalSchema.Tensors.FirstOrDefault(t => !ElementCodec.IsArithmetic(t.DType));
        if (unsupported is not null)
        {
            throw new ArgumentException($"tensor '{unsupported.Name}' has dtype {unsupported.DType.ToSafetensorsName()}, which cannot be averaged", nameof(globalSchema));
        }

        var huge = globalSchema.Tensors.FirstOrDefault(t => t.ElementCount > Array.MaxLength);
        if (huge is not null)
        {
            throw new ArgumentException($"tensor '{huge.Name}' has {huge.ElementCount} elements; one tensor may have at most {Array.MaxLength}", nameof(globalSchema));
        }

        _schema = globalSchema;
        _oneShot = options?.OneShot ?? false;
        _tensors = globalSchema.Tensors.ToDictionary(t => t.Name, t => new AccumulatorTensor(t, arrays), StringComparer.Ordinal);
    }

    /// <summary>The global model's header this sum is shaped after.</summary>
    public SafetensorsHeader Schema => _schema;

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public double TotalWeight { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<UpdateRejection> Rejections => _rejections;

    /// <summary>Ids of the accepted updates and partials, in the order they were added.</summary>
    public IEnumerable<string> AcceptedIds => _accepted.Select(a => a.Source.Id);

    /// <summary>The dtype a tensor's sum is kept (and written) in: F64 or F32.</summary>
    public static DType AccumulatorDType(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return ElementCodec.NeedsDoubleAccumulator(tensor.DType) ? DType.F64 : DType.F32;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UpdateRejection>> AddUpdatesAsync(IReadOnlyList<WeightedUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        return AddAsync([.. updates.Select(u => new Input(u.Model, IsPartial: false, u.Weight, 1))], cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UpdateRejection>> AddPartialsAsync(IReadOnlyList<ModelSource> partials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partials);
        return AddAsync([.. partials.Select(p => new Input(p, IsPartial: true, 0, 0))], cancellationToken);
    }

    /// <inheritdoc />
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        var header = SafetensorsHeader.Create(
            _schema.Tensors.Select(t => new TensorDeclaration(t.Name, AccumulatorDType(t), t.Shape)),
            PartialMetadata.Create(TotalWeight, Count));
        await using var writer = await SafetensorsWriter.CreateAsync(destination, header, leaveOpen: true, cancellationToken);
        if (_held is not null)
        {
            await WriteHeldAsync(writer, cancellationToken);
            return;
        }

        foreach (var tensor in _schema.Tensors)
        {
            var accumulator = _tensors[tensor.Name];
            var byteLength = accumulator.ByteLength;
            for (long offset = 0; offset < byteLength; offset += MaxTileBytes)
            {
                var count = (int)Math.Min(MaxTileBytes, byteLength - offset);
                accumulator.CopyBytes(offset, _staging.AsSpan(0, count));
                await writer.WriteAsync(_staging.AsMemory(0, count), cancellationToken);
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the sum in the global model's order (float or double elements, see
    /// <see cref="AccumulatorDType"/>), for the reduce step: from the arrays, or folded tile by
    /// tile from the held inputs of a one-shot sum.
    /// </summary>
    internal SumReader ReadSum(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        return new SumReader(this, cancellationToken);
    }

    /// <summary>Hands the sums' memory to the next accumulator of this process; the sum cannot be used after.</summary>
    public void Dispose()
    {
        _disposed = true;
        ReleaseHeld();
        foreach (var tensor in _tensors.Values)
        {
            tensor.Release();
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new InvalidDataException(_failure);
        }
    }

    private async Task<IReadOnlyList<UpdateRejection>> AddAsync(List<Input> inputs, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        var rejectedBefore = _rejections.Count;

        // Held only when the whole sum comes in this one call; otherwise what is held is folded first.
        var mayHold = _oneShot && _accepted.Count == 0 && inputs.Count <= MaxBatchSize;
        if (!mayHold)
        {
            await FoldHeldAsync(cancellationToken);
        }

        for (var start = 0; start < inputs.Count; start += MaxBatchSize)
        {
            await AddBatchAsync(inputs.GetRange(start, Math.Min(MaxBatchSize, inputs.Count - start)), mayHold, cancellationToken);
        }

        return _rejections.GetRange(rejectedBefore, _rejections.Count - rejectedBefore);
    }

    private async Task AddBatchAsync(List<Input> batch, bool mayHold, CancellationToken cancellationToken)
    {
        var pending = new List<Input>();
        var idsInBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in batch)
        {
            if (_acceptedIds.Contains(input.Source.Id) || !idsInBatch.Add(input.Source.Id))
            {
                Reject(input, $"duplicate: '{input.Source.Id}' was already aggregated");
            }
            else if (!input.IsPartial && !(double.IsFinite(input.Weight) && input.Weight > 0))
            {
                Reject(input, $"weight {input.Weight} is not a positive number of examples");
            }
            else
            {
                pending.Add(input);
            }
        }

        while (pending.Count > 0)
        {
            var opened = await OpenCheckedAsync(pending, cancellationToken);
            if (mayHold && opened.Count > 0 && opened.All(o => o.Reader.IsRandomAccess))
            {
                _held = opened;
                foreach (var o in opened)
                {
                    Accept(o.Input);
                }

                return;
            }

            try
            {
                await FoldAsync(opened, cancellationToken);
                foreach (var o in opened)
                {
                    Accept(o.Input);
                }

                pending.Clear();
            }
            catch (BadInputDataException bad)
            {
                Reject(opened[bad.Index].Input, bad.Message);
                pending = [.. opened.Where((_, i) => i != bad.Index).Select(o => o.Input)];
                await RebuildAsync(cancellationToken);
            }
            finally
            {
                foreach (var o in opened)
                {
                    await o.Reader.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Opens each input and checks its header; the ones that fail are rejected and left out.</summary>
    private async Task<List<OpenedInput>> OpenCheckedAsync(List<Input> inputs, CancellationToken cancellationToken)
    {
        var opened = new List<OpenedInput>(inputs.Count);
        foreach (var input in inputs)
        {
            SafetensorsReader reader;
            try
            {
                reader = await input.Source.OpenAsync(cancellationToken);
            }
            // A missing file (a report that got ahead of its upload) costs only that input, as a broken one does.
            catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException)
            {
                Reject(input, e is SafetensorsFormatException ? e.Message : $"cannot be read: {e.Message}");
                continue;
            }

            var checkedInput = input;
            var mismatch = ReferenceEquals(reader.Header, _lastMatchingUpdateHeader) && !input.IsPartial
                ? null
                : SchemaCheck.FindMismatch(_schema, reader.Header, input.IsPartial ? AccumulatorDType : t => t.DType);
            if (mismatch is null && !input.IsPartial)
            {
                _lastMatchingUpdateHeader = reader.Header;
            }

            if (mismatch is not null && !input.IsPartial)
            {
                mismatch = $"the model does not match the global model ({mismatch})";
            }

            if (mismatch is null && input.IsPartial)
            {
                var (weight, count, error) = PartialMetadata.Read(reader.Header);
                mismatch = error;
                checkedInput = input with { Weight = weight, Count = count };
            }

            if (mismatch is not null)
            {
                Reject(input, mismatch);
                await reader.DisposeAsync();
                continue;
            }

            opened.Add(new OpenedInput(checkedInput, reader));
        }

        return opened;
    }

    /// <summary>Folds a one-shot sum's held inputs into arrays, as a streaming sum would have, when more inputs come.</summary>
    private async Task FoldHeldAsync(CancellationToken cancellationToken)
    {
        if (_held is not { } held)
        {
            return;
        }

        try
        {
            await FoldAsync(held, cancellationToken);
        }
        catch (BadInputDataException bad)
        {
            throw Spoiled(held, bad);
        }
        finally
        {
            ReleaseHeld();
        }
    }

    /// <summary>The sum of the held inputs, a tile at a time in the global model's order, each in <see cref="_staging"/> until the next.</summary>
    private async IAsyncEnumerable<FoldedTile> FoldHeldTilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var held = _held!;
        var tiles = FoldTilesAsync(held, [.. held.Where(o => o.Input.Count > 0)], _schema.Tensors, _staging, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await tiles.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (BadInputDataException bad)
                {
                    throw Spoiled(held, bad);
                }

                yield return tiles.Current;
            }
        }
        finally
        {
            await tiles.DisposeAsync();
        }
    }

    private async Task WriteHeldAsync(SafetensorsWriter writer, CancellationToken cancellationToken)
    {
        if (Count == 0)
        {
            // Only empty partials: the sum is zeros.
            Array.Clear(_staging);
            foreach (var tensor in _schema.Tensors)
            {
                var byteLength = tensor.ElementCount * AccumulatorDType(tensor).SizeInBytes();
                for (long offset = 0; offset < byteLength; offset += MaxTileBytes)
                {
                    await writer.WriteAsync(_staging.AsMemory(0, (int)Math.Min(MaxTileBytes, byteLength - offset)), cancellationToken);
                }
            }
        }
        else
        {
            await foreach (var tile in FoldHeldTilesAsync(cancellationToken))
            {
                await writer.WriteAsync(_staging.AsMemory(0, tile.ByteLength), cancellationToken);
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>A held input's data was found bad after it was accepted: the sum is spoiled, and says which input spoiled it.</summary>
    private InvalidDataException Spoiled(List<OpenedInput> held, BadInputDataException bad)
    {
        var culprit = held[bad.Index].Input;
        _failure = $"'{culprit.Source.Id}' cannot be aggregated: {bad.Message}";
        return new InvalidDataException(_failure, bad);
    }

    private void ReleaseHeld()
    {
        foreach (var o in _held ?? [])
        {
            o.Reader.Dispose();
        }

        _held = null;
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Clear();
        }

        var replay = _accepted.ToList();
        _accepted.Clear();
        _acceptedIds.Clear();
        Count = 0;
        TotalWeight = 0;
        for (var start = 0; start < replay.Count; start += MaxBatchSize)
        {
            var batch = replay.GetRange(start, Math.Min(MaxBatchSize, replay.Count - start));
            var opened = new List<OpenedInput>(batch.Count);
            try
            {
                foreach (var input in batch)
                {
                    opened.Add(new OpenedInput(input, await input.Source.OpenAsync(cancellationToken)));
                }

                await FoldAsync(opened, cancellationToken);
            }
            catch (Exception e) when (e is BadInputDataException or SafetensorsFormatException or IOException)
            {
                throw new InvalidOperationException($"An update accepted earlier can no longer be read the same way, so the sum cannot be rebuilt: {e.Message}", e);
            }
            finally
            {
                foreach (var o in opened)
                {
                    await o.Reader.DisposeAsync();
                }
            }

            foreach (var input in batch)
            {
                Accept(input);
            }
        }
    }

    private async Task FoldAsync(List<OpenedInput> batch, CancellationToken cancellationToken)
    {
        // Forward-only streams must be read in their own data order, so they go one at a time;
        // random-access inputs are folded together, tile by tile, in the global model's order.
        var together = batch.Where(o => o.Reader.IsRandomAccess && o.Input.Count > 0).ToList();
        if (together.Count > 0)
        {
            await FoldTogetherAsync(batch, together, _schema.Tensors, cancellationToken);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var o = batch[i];
            if (!o.Reader.IsRandomAccess)
            {
                await FoldTogetherAsync(batch, [o], o.Input.Count > 0 ? o.Reader.Header.Tensors : [], cancellationToken);
                await Guard(i, () => o.Reader.VerifyEndAsync(cancellationToken));
            }
        }
    }

    private async Task FoldTogetherAsync(List<OpenedInput> batch, List<OpenedInput> inputs, IReadOnlyList<TensorInfo> order, CancellationToken cancellationToken)
    {
        await foreach (var _ in FoldTilesAsync(batch, inputs, order, output: null, cancellationToken))
        {
        }
    }

    /// <summary>
    /// Folds <paramref name="inputs"/> tile by tile, into the sum's arrays or, for a one-shot sum,
    /// into <paramref name="output"/>, where each tile's finished sum stays until the next is
    /// folded. The next tile of every input is read on the thread pool while the current one is
    /// folded (two tile sets), and while whoever takes the tiles writes the last one out, so reading
    /// and arithmetic overlap: a combiner costs about the larger of the two, not their sum.
    /// </summary>
    private async IAsyncEnumerable<FoldedTile> FoldTilesAsync(List<OpenedInput> batch, List<OpenedInput> inputs, IReadOnlyList<TensorInfo> order, byte[]? output, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var indexInBatch = inputs.Select(o => batch.IndexOf(o)).ToArray();
        var plan = PlanTiles(inputs, order);
        if (plan.Count == 0)
        {
            yield break;
        }

        var pending = ReadTileAsync(plan[0].Read, _tileSets[0]);
        try
        {
            for (var i = 0; i < plan.Count; i++)
            {
                var current = pending;
                pending = null;
                await current!;
                if (i + 1 < plan.Count)
                {
                    // The closure holds only what the read needs: a pool thread may keep its last work
                    // item alive, and it must not keep the accumulator alive with it.
                    var (next, set) = (plan[i + 1].Read, _tileSets[(i + 1) % 2]);
                    pending = next.Bytes >= MinReadAheadBytes
                        ? Task.Run(() => ReadTileAsync(next, set), cancellationToken)
                        : ReadTileAsync(next, set);
                }

                var step = plan[i];
                var bad = step.Accumulator.IsDouble
                    ? FoldTiles<double>(step, _tileSets[i % 2], output)
                    : FoldTiles<float>(step, _tileSets[i % 2], output);
                if (bad is { } problem)
                {
                    throw new BadInputDataException(indexInBatch[problem.Input], problem.Reason);
                }

                yield return new FoldedTile(step.Accumulator, step.Read.Start, step.Read.Length);
            }
        }
        finally
        {
            // Never leave a read running into buffers the next fold will use.
            if (pending is not null)
            {
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        async Task ReadTileAsync(TileRead step, TileSet set)
        {
            for (var b = 0; b < step.Tensors.Length; b++)
            {
                var info = step.Tensors[b];
                var size = info.DType.SizeInBytes();
                var tile = set.Raw(b, step.Length * size);
                var reader = inputs[b].Reader;
                await Guard(indexInBatch[b], () => reader.ReadAsync(info, step.Start * size, tile.AsMemory(0, step.Length * size), cancellationToken));
            }
        }
    }

    /// <summary>
    /// Cuts the tensors in <paramref name="order"/> into tiles sized so that one tile of every input
    /// plus the accumulator's tile fit the working-set budget. What does not change from tile to
    /// tile (each input's tensor, the weights) is resolved here, off the hot loop.
    /// </summary>
    private List<TileStep> PlanTiles(List<OpenedInput> inputs, IReadOnlyList<TensorInfo> order)
    {
        var tileBytes = Math.Clamp(WorkingSetBytes / inputs.Count, MinTileBytes, MaxTileBytes);
        var weights = inputs.Select(o => o.Input.IsPartial ? 1.0 : o.Input.Weight).ToArray();
        var plan = new List<TileStep>();
        foreach (var tensor in order)
        {
            var tensorsOfInputs = inputs
                .Select(o => o.Reader.Header.TryGetTensor(tensor.Name, out var t) ? t : throw new InvalidOperationException("schema was checked"))
                .ToArray();
            var accumulator = _tensors[tensor.Name];
            var widest = Math.Max(tensorsOfInputs.Max(t => t.DType.SizeInBytes()), accumulator.IsDouble ? sizeof(double) : sizeof(float));
            var tileElements = tileBytes / widest;
            for (long start = 0; start < accumulator.Length; start += tileElements)
            {
                plan.Add(new TileStep(accumulator, weights, new TileRead(tensorsOfInputs, start, (int)Math.Min(tileElements, accumulator.Length - start))));
            }
        }

        return plan;
    }

    /// <summary>
    /// sum[start..start+length] += Σ w_b · decode(tile_b), in input order; with
    /// <paramref name="output"/>, output = Σ w_b · decode(tile_b) instead (the sum of a one-shot
    /// fold, which starts from zero). Returns the input that spoiled the sum (NaN/Inf values, or
    /// values so large that the weighted sum overflows) and why, or <see langword="null"/>. A
    /// spoiled sum must be rebuilt without that input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static FoldProblem? FoldTiles<T>(TileStep tile, TileSet set, byte[]? output)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var step = tile.Read;
        var nativeDType = typeof(T) == typeof(double) ? DType.F64 : DType.F32;
        var count = step.Tensors.Length;
        var values = set.FoldInputs.AsSpan(0, count);
        Span<T> weights = stackalloc T[count];
        for (var b = 0; b < count; b++)
        {
            var dtype = step.Tensors[b].DType;
            var raw = set.Raw(b, step.Length * dtype.SizeInBytes());
            values[b] = raw;
            if (dtype != nativeDType)
            {
                values[b] = set.Decoded(b, step.Length * Unsafe.SizeOf<T>());
                ElementCodec.Decode(dtype, raw.AsSpan(0, step.Length * dtype.SizeInBytes()), MemoryMarshal.Cast<byte, T>(values[b].AsSpan())[..step.Length]);
            }

            weights[b] = T.CreateTruncating(tile.Weights[b]);
        }

        var unwritten = true;
        var sum = output is null
            ? tile.Accumulator.BeginFold<T>(step.Start, step.Length, out unwritten)
            : MemoryMarshal.Cast<byte, T>(output.AsSpan())[..step.Length];
        var finite = WeightedSumKernel.Fold<T>(sum, values, weights, sumIsZero: unwritten);

        // One check of the result instead of one per input: NaN/Inf in any input shows up there.
        // Only when it fails are the inputs checked one by one, to name the culprit.
        if (finite)
        {
            return null;
        }

        var name = step.Tensors[0].Name;
        for (var b = 0; b < count; b++)
        {
            if (!TensorPrimitives.IsFiniteAll(MemoryMarshal.Cast<byte, T>(values[b].AsSpan())[..step.Length]))
            {
                return new FoldProblem(b, $"tensor '{name}' contains NaN or infinite values");
            }
        }

        // Every value is finite but the sum is not: it overflowed. The input with the largest
        // weighted value is the one to leave out (the others are tried again without it).
        var (largest, culprit) = (-1.0, 0);
        for (var b = 0; b < count; b++)
        {
            var magnitude = double.CreateTruncating(T.Abs(TensorPrimitives.MaxMagnitude(MemoryMarshal.Cast<byte, T>(values[b].AsSpan())[..step.Length]))) * tile.Weights[b];
            (largest, culprit) = magnitude > largest ? (magnitude, b) : (largest, culprit);
        }

        return new FoldProblem(culprit, string.Create(CultureInfo.InvariantCulture,
            $"tensor '{name}' has values up to {largest / tile.Weights[culprit]:G3} which, weighted by {tile.Weights[culprit]:G6}, overflow the {nativeDType.ToSafetensorsName()} sum"));
    }

    private readonly record struct FoldProblem(int Input, string Reason);

    /// <summary>Elements [Start, Start + Length) of one tensor's sum, just folded.</summary>
    private readonly record struct FoldedTile(AccumulatorTensor Accumulator, long Start, int Length)
    {
        public int ByteLength => Length * Accumulator.ElementSize;

        public long End => Start + Length;
    }

    private static async ValueTask Guard(int index, Func<ValueTask> read)
    {
        try
        {
            await read();
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException)
        {
            throw new BadInputDataException(index, e is SafetensorsFormatException ? e.Message : $"cannot be read: {e.Message}");
        }
    }

    private void Accept(Input input)
    {
        _accepted.Add(input);
        _acceptedIds.Add(input.Source.Id);
        Count += input.Count;
        TotalWeight += input.Weight;
    }

    private void Reject(Input input, string reason) => _rejections.Add(new UpdateRejection(input.Source.Id, reason));

    private sealed record Input(ModelSource Source, bool IsPartial, double Weight, int Count);

    private sealed record OpenedInput(Input Input, SafetensorsReader Reader);

    /// <summary>One tile of a tensor for every input of a batch: what to read, and where to fold it.</summary>
    private sealed record TileStep(AccumulatorTensor Accumulator, double[] Weights, TileRead Read);

    /// <summary>Elements [Start, Start + Length) of each input's tensor.</summary>
    private sealed record TileRead(TensorInfo[] Tensors, long Start, int Length)
    {
        /// <summary>Bytes read for this tile, over all inputs.</summary>
        public long Bytes { get; } = Tensors.Sum(t => (long)t.DType.SizeInBytes()) * Length;
    }

    /// <summary>Buffers for one tile of every input: raw bytes as read, and values decoded to the accumulator's type.</summary>
    private sealed class TileSet
    {
        private readonly byte[]?[] _raw = new byte[MaxBatchSize][];
        private readonly byte[]?[] _decoded = new byte[MaxBatchSize][];

        public byte[][] FoldInputs { get; } = new byte[MaxBatchSize][];

        public byte[] Raw(int input, int bytes) => Ensure(_raw, input, bytes);

        public byte[] Decoded(int input, int bytes) => Ensure(_decoded, input, bytes);

        private static byte[] Ensure(byte[]?[] buffers, int input, int bytes) =>
            buffers[input] is { } buffer && buffer.Length >= bytes ? buffer : buffers[input] = new byte[bytes];
    }

    private sealed class BadInputDataException(int index, string message) : Exception(message)
    {
        public int Index { get; } = index;
    }

    /// <summary>
    /// One tensor's running sum: float32 or float64 elements, in arrays reused across accumulators
    /// (<see cref="AccumulatorArrays"/>), rented when first folded into (a one-shot sum never
    /// rents one). Only the written prefix holds sums; the rest holds whatever the array held
    /// before and reads as zeros, cleared only when read.
    /// </summary>
    private sealed class AccumulatorTensor(TensorInfo tensor, AccumulatorArrays arrays)
    {
        private float[]? _single;
        private double[]? _double;
        private bool _released;

        public bool IsDouble { get; } = AccumulatorDType(tensor) == DType.F64;

        public long Length => tensor.ElementCount;

        public int ElementSize => IsDouble ? sizeof(double) : sizeof(float);

        // Elements [0, _written) hold sums; the others are zeros not yet written.
        private long _written;

        public long ByteLength => Length * ElementSize;

        /// <summary>
        /// The elements [start, start + length) about to be folded into, and whether they are all
        /// still unwritten zeros (the fold then writes them without reading them). Unwritten
        /// elements before <paramref name="start"/> or partly inside the range are cleared first.
        /// </summary>
        public Span<T> BeginFold<T>(long start, int length, out bool unwritten) where T : unmanaged
        {
            var all = Elements<T>();
            var end = start + length;
            unwritten = start == _written;
            if (!unwritten && _written < end)
            {
                all[(int)_written..(int)end].Clear();
            }

            _written = Math.Max(_written, end);
            return all.Slice((int)start, length);
        }

        /// <summary>Every element, the unwritten ones cleared to zeros.</summary>
        public Span<T> Sum<T>() where T : unmanaged
        {
            var all = Elements<T>();
            all[(int)_written..].Clear();
            _written = Length;
            return all;
        }

        public void CopyBytes(long offset, Span<byte> destination)
        {
            // Slice by element first: a large tensor's bytes do not fit one Span<byte>.
            var (first, count) = ((int)(offset / ElementSize), destination.Length / ElementSize);
            var bytes = IsDouble
                ? MemoryMarshal.AsBytes(Sum<double>().Slice(first, count))
                : MemoryMarshal.AsBytes(Sum<float>().Slice(first, count));
            bytes.CopyTo(destination);
        }

        /// <summary>Back to zero: the elements are left as they are and count as unwritten.</summary>
        public void Clear() => _written = 0;

        /// <summary>Hands the array back for the next accumulator.</summary>
        public void Release()
        {
            if (_single is { } single)
            {
                arrays.Return(single);
            }

            if (_double is { } @double)
            {
                arrays.Return(@double);
            }

            (_single, _double, _released) = (null, null, true);
        }

        private Span<T> Elements<T>() where T : unmanaged
        {
            ObjectDisposedException.ThrowIf(_released, typeof(WeightedSumAccumulator));
            if (IsDouble)
            {
                _double ??= arrays.Rent<double>(checked((int)Length));
                return MemoryMarshal.Cast<double, T>(_double.AsSpan());
            }

            _single ??= arrays.Rent<float>(checked((int)Length));
            return MemoryMarshal.Cast<float, T>(_single.AsSpan());
        }
    }
}
