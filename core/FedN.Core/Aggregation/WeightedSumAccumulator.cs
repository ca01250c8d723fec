using System.Numerics;
using System.Numerics.Tensors;
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
/// the number of updates. Updates are streamed tile by tile; when several are added at once, each
/// tile of the accumulator is loaded once per batch instead of once per update.</para>
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
public sealed class WeightedSumAccumulator : IPartialAggregator
{
    /// <summary>Most updates folded together in one pass; larger requests are split.</summary>
    public const int MaxBatchSize = 16;

    // Tiles of all inputs of a batch share this budget, so that they and the accumulator's tile stay
    // in cache (L2/L3) while the batch is folded in; a tile is never smaller than MinTileBytes so
    // reads stay large.
    // 1 MiB measured best of 0.5, 1 and 2 MiB on the 1 MiB-L2 cores of the CI machines.
    private const int WorkingSetBytes = 1 << 20;
    private const int MinTileBytes = 1 << 16;
    private const int MaxTileBytes = 1 << 20;
    private readonly SafetensorsHeader _schema;
    private readonly Dictionary<string, AccumulatorTensor> _tensors;
    private readonly List<Input> _accepted = [];
    private readonly HashSet<string> _acceptedIds = new(StringComparer.Ordinal);
    private readonly List<UpdateRejection> _rejections = [];
    private readonly byte[][] _tiles = new byte[MaxBatchSize][];
    private readonly byte[]?[] _decoded = new byte[MaxBatchSize][];
    private readonly byte[] _staging = new byte[MaxTileBytes];
    private readonly byte[][] _foldInputs = new byte[MaxBatchSize][];

    /// <summary>Starts an empty sum for updates of the model described by <paramref name="globalSchema"/>.</summary>
    /// <exception cref="ArgumentException">The model has a tensor whose dtype has no arithmetic (BOOL, 8-bit floats).</exception>
    public WeightedSumAccumulator(SafetensorsHeader globalSchema)
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
        _tensors = globalSchema.Tensors.ToDictionary(t => t.Name, t => new AccumulatorTensor(t), StringComparer.Ordinal);
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
        var header = SafetensorsHeader.Create(
            _schema.Tensors.Select(t => new TensorDeclaration(t.Name, AccumulatorDType(t), t.Shape)),
            PartialMetadata.Create(TotalWeight, Count));
        await using var writer = await SafetensorsWriter.CreateAsync(destination, header, leaveOpen: true, cancellationToken);
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

    /// <summary>The running sum of one tensor (float or double, see <see cref="AccumulatorDType"/>), for the reduce step.</summary>
    internal ReadOnlySpan<T> GetSum<T>(string tensorName) where T : unmanaged => _tensors[tensorName].Span<T>();

    private async Task<IReadOnlyList<UpdateRejection>> AddAsync(List<Input> inputs, CancellationToken cancellationToken)
    {
        var rejectedBefore = _rejections.Count;
        for (var start = 0; start < inputs.Count; start += MaxBatchSize)
        {
            await AddBatchAsync(inputs.GetRange(start, Math.Min(MaxBatchSize, inputs.Count - start)), cancellationToken);
        }

        return _rejections.GetRange(rejectedBefore, _rejections.Count - rejectedBefore);
    }

    private async Task AddBatchAsync(List<Input> batch, CancellationToken cancellationToken)
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
            catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException)
            {
                Reject(input, e is SafetensorsFormatException ? e.Message : $"cannot be read: {e.Message}");
                continue;
            }

            var checkedInput = input;
            var mismatch = SchemaCheck.FindMismatch(_schema, reader.Header, input.IsPartial ? AccumulatorDType : t => t.DType);
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
            await FoldTogetherAsync(together, _schema.Tensors, cancellationToken);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var o = batch[i];
            if (!o.Reader.IsRandomAccess)
            {
                await FoldTogetherAsync([o], o.Input.Count > 0 ? o.Reader.Header.Tensors : [], cancellationToken);
                await Guard(i, () => o.Reader.VerifyEndAsync(cancellationToken));
            }
        }

        async Task FoldTogetherAsync(List<OpenedInput> inputs, IReadOnlyList<TensorInfo> order, CancellationToken ct)
        {
            // What does not change from tile to tile is resolved once per tensor, off the hot loop.
            var indexInBatch = inputs.Select(o => batch.IndexOf(o)).ToArray();
            var tensorsOfInputs = new TensorInfo[inputs.Count];
            var tileElements = Math.Clamp(WorkingSetBytes / inputs.Count, MinTileBytes, MaxTileBytes) / 8;
            foreach (var tensor in order)
            {
                for (var b = 0; b < inputs.Count; b++)
                {
                    tensorsOfInputs[b] = inputs[b].Reader.Header.TryGetTensor(tensor.Name, out var t) ? t : throw new InvalidOperationException("schema was checked");
                }

                var accumulator = _tensors[tensor.Name];
                for (long start = 0; start < accumulator.Length; start += tileElements)
                {
                    var length = (int)Math.Min(tileElements, accumulator.Length - start);
                    for (var b = 0; b < inputs.Count; b++)
                    {
                        var info = tensorsOfInputs[b];
                        var size = info.DType.SizeInBytes();
                        var tile = _tiles[b] ??= new byte[MaxTileBytes];
                        var reader = inputs[b].Reader;
                        await Guard(indexInBatch[b], () => reader.ReadAsync(info, start * size, tile.AsMemory(0, length * size), ct));
                    }

                    var bad = accumulator.IsDouble
                        ? FoldTiles<double>(accumulator, start, length, tensorsOfInputs, inputs)
                        : FoldTiles<float>(accumulator, start, length, tensorsOfInputs, inputs);
                    if (bad >= 0)
                    {
                        throw new BadInputDataException(indexInBatch[bad], $"tensor '{tensor.Name}' contains NaN or infinite values");
                    }
                }
            }
        }
    }

    /// <summary>
    /// sum[start..start+length] += Σ scale_b · decode(tile_b), in input order. Returns the index of an
    /// input with NaN/Inf values (the sum is then spoiled and must be rebuilt), or -1.
    /// </summary>
    private int FoldTiles<T>(AccumulatorTensor accumulator, long start, int length, TensorInfo[] tensorsOfInputs, List<OpenedInput> inputs)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var nativeDType = typeof(T) == typeof(double) ? DType.F64 : DType.F32;
        var values = _foldInputs.AsSpan(0, inputs.Count);
        Span<T> weights = stackalloc T[inputs.Count];
        for (var b = 0; b < inputs.Count; b++)
        {
            var dtype = tensorsOfInputs[b].DType;
            values[b] = _tiles[b];
            if (dtype != nativeDType)
            {
                values[b] = _decoded[b] ??= new byte[MaxTileBytes];
                ElementCodec.Decode(dtype, _tiles[b].AsSpan(0, length * dtype.SizeInBytes()), MemoryMarshal.Cast<byte, T>(values[b].AsSpan())[..length]);
            }

            weights[b] = T.CreateTruncating(inputs[b].Input.IsPartial ? 1.0 : inputs[b].Input.Weight);
        }

        var sum = accumulator.Span<T>().Slice(checked((int)start), length);
        WeightedSumKernel.Fold<T>(sum, values, weights);

        // One check of the result instead of one per input: NaN/Inf in any input shows up here.
        if (TensorPrimitives.IsFiniteAll<T>(sum))
        {
            return -1;
        }

        for (var b = 0; b < inputs.Count; b++)
        {
            if (!TensorPrimitives.IsFiniteAll(MemoryMarshal.Cast<byte, T>(values[b].AsSpan())[..length]))
            {
                return b;
            }
        }

        throw new OverflowException($"the weighted sum of tensor '{tensorsOfInputs[0].Name}' overflows {nativeDType.ToSafetensorsName()}; the updates' values or weights are too large");
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

    private sealed class BadInputDataException(int index, string message) : Exception(message)
    {
        public int Index { get; } = index;
    }

    /// <summary>One tensor's running sum: float32 or float64 elements.</summary>
    private sealed class AccumulatorTensor(TensorInfo tensor)
    {
        private readonly float[]? _single = AccumulatorDType(tensor) == DType.F32 ? new float[checked((int)tensor.ElementCount)] : null;
        private readonly double[]? _double = AccumulatorDType(tensor) == DType.F64 ? new double[checked((int)tensor.ElementCount)] : null;

        public bool IsDouble => _double is not null;

        public long Length => tensor.ElementCount;

        public Span<T> Span<T>() where T : unmanaged => _double is not null
            ? MemoryMarshal.Cast<double, T>(_double.AsSpan())
            : MemoryMarshal.Cast<float, T>(_single.AsSpan());

        public long ByteLength => Length * (IsDouble ? sizeof(double) : sizeof(float));

        public void CopyBytes(long offset, Span<byte> destination)
        {
            // Slice by element first: a large tensor's bytes do not fit one Span<byte>.
            var elementSize = IsDouble ? sizeof(double) : sizeof(float);
            var (first, count) = ((int)(offset / elementSize), destination.Length / elementSize);
            var bytes = _double is not null
                ? MemoryMarshal.AsBytes(_double.AsSpan(first, count))
                : MemoryMarshal.AsBytes(_single.AsSpan(first, count));
            bytes.CopyTo(destination);
        }

        public void Clear()
        {
            _single?.AsSpan().Clear();
            _double?.AsSpan().Clear();
        }
    }
}
