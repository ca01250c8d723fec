using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FedN.Core.Aggregation.ServerOptimizers;
using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>
/// FedAvg and the FedOpt family: combiners build weighted sums (<see cref="WeightedSumAccumulator"/>),
/// the reducer turns the merged sum into the weighted mean x̄ = S / W and applies a
/// <see cref="ServerOptimizer"/> to the pseudo-gradient Δ = x̄ − x. Everything streams chunk by
/// chunk: the reduce step holds the merged sum and a few chunk buffers, never a second model.
/// </summary>
public sealed class FedOptAggregator(ServerOptimizer optimizer) : IAggregator
{
    private const int ChunkElements = 1 << 15;

    /// <summary>The server optimizer applied on reduce.</summary>
    public ServerOptimizer Optimizer { get; } = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <inheritdoc />
    public string Name => Optimizer.Name;

    /// <inheritdoc />
    public bool RequiresGlobalModel => !Optimizer.IsPlainAverage;

    /// <inheritdoc />
    public IPartialAggregator CreatePartial(SafetensorsHeader globalSchema) => new WeightedSumAccumulator(globalSchema);

    /// <inheritdoc />
    public IPartialAggregator CreatePartial(SafetensorsHeader globalSchema, PartialOptions options) => new WeightedSumAccumulator(globalSchema, options);

    /// <inheritdoc />
    public async Task<AggregationResult> ReduceAsync(IPartialAggregator merged, ReduceContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (merged is not WeightedSumAccumulator sum)
        {
            throw new ArgumentException($"{Name} reduces partials it created (WeightedSumAccumulator), not {merged?.GetType().Name}.", nameof(merged));
        }

        if (sum.Count == 0)
        {
            throw new InvalidOperationException("No update was aggregated, so there is no new model to compute.");
        }

        SafetensorsReader? global = null;
        SafetensorsReader? stateIn = null;
        try
        {
            long step = 0;
            if (RequiresGlobalModel)
            {
                global = context.GlobalModel is null
                    ? throw new ArgumentException($"{Name} needs the current global model to compute the pseudo-gradient.", nameof(context))
                    : await context.GlobalModel.OpenAsync(cancellationToken);
                var mismatch = SchemaCheck.FindMismatch(sum.Schema, global.Header, t => t.DType);
                if (mismatch is not null)
                {
                    throw new InvalidDataException($"the global model '{context.GlobalModel.Id}' does not match the updates' schema: {mismatch}");
                }

                if (context.OptimizerState is not null && Optimizer.StateSlots.Count > 0)
                {
                    stateIn = await context.OptimizerState.OpenAsync(cancellationToken);
                    step = OptimizerStateMetadata.ReadStep(stateIn.Header, sum.Schema, Optimizer);
                }

                step++;
            }

            await WriteModelAsync(sum, global, stateIn, context, step, cancellationToken);
            return new AggregationResult(sum.Count, sum.TotalWeight, Optimizer.StateSlots.Count > 0 ? step : 0);
        }
        finally
        {
            if (global is not null)
            {
                await global.DisposeAsync();
            }

            if (stateIn is not null)
            {
                await stateIn.DisposeAsync();
            }
        }
    }

    private async Task WriteModelAsync(WeightedSumAccumulator sum, SafetensorsReader? global, SafetensorsReader? stateIn, ReduceContext context, long step, CancellationToken cancellationToken)
    {
        var schema = sum.Schema;
        var metadata = schema.Metadata.Where(p => !p.Key.StartsWith("fedn.", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        metadata["fedn.aggregator"] = Name;
        metadata["fedn.updates"] = sum.Count.ToString(CultureInfo.InvariantCulture);
        metadata["fedn.total_weight"] = sum.TotalWeight.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (key, value) in context.Metadata ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        var modelHeader = SafetensorsHeader.Create(schema.Tensors.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)), metadata);
        var keepsState = Optimizer.StateSlots.Count > 0 && global is not null;
        if (keepsState && context.OptimizerStateOutput is null)
        {
            throw new ArgumentException($"{Name} keeps state between rounds: give OptimizerStateOutput so it is not lost.", nameof(context));
        }

        await using var model = await SafetensorsWriter.CreateAsync(context.ModelOutput, modelHeader, leaveOpen: true, cancellationToken);
        await using var state = keepsState
            ? await SafetensorsWriter.CreateAsync(context.OptimizerStateOutput!, OptimizerStateMetadata.CreateHeader(schema, Optimizer, step), leaveOpen: true, cancellationToken)
            : null;

        var buffers = new ChunkBuffers(Optimizer.StateSlots.Count);
        await using var sums = sum.ReadSum(cancellationToken);

        // The state file holds each tensor's slots one after the other (all of m, then all of v), but a
        // chunk yields a piece of every slot: slots after the first wait in temporary files until the
        // tensor is done, so memory stays one chunk whatever the model's size.
        var spills = state is null ? [] : Enumerable.Range(1, buffers.Slots.Length - 1).Select(_ => SpillFile()).ToArray();
        try
        {
            foreach (var tensor in schema.Tensors)
            {
                foreach (var spill in spills)
                {
                    spill.SetLength(0);
                }

                var isDouble = WeightedSumAccumulator.AccumulatorDType(tensor) == DType.F64;
                for (long start = 0; start < tensor.ElementCount; start += ChunkElements)
                {
                    var count = (int)Math.Min(ChunkElements, tensor.ElementCount - start);
                    var elementBytes = isDouble ? sizeof(double) : sizeof(float);
                    if (global is not null)
                    {
                        await global.ReadAsync(tensor, start * tensor.DType.SizeInBytes(), buffers.Raw.AsMemory(0, count * tensor.DType.SizeInBytes()), cancellationToken);
                    }

                    for (var slot = 0; slot < buffers.Slots.Length; slot++)
                    {
                        if (stateIn is not null && stateIn.Header.TryGetTensor(OptimizerStateMetadata.TensorName(Optimizer.StateSlots[slot], tensor.Name), out var slotTensor))
                        {
                            await stateIn.ReadAsync(slotTensor, start * elementBytes, buffers.Slots[slot].AsMemory(0, count * elementBytes), cancellationToken);
                        }
                        else
                        {
                            buffers.FillInitial(slot, isDouble, count, Optimizer.InitialValue(slot));
                        }
                    }

                    await sums.ReadAsync(tensor, start, buffers.Sum.AsMemory(0, count * elementBytes));
                    if (isDouble)
                    {
                        ComputeChunk<double>(sum.TotalWeight, tensor, count, global is not null, buffers);
                    }
                    else
                    {
                        ComputeChunk<float>(sum.TotalWeight, tensor, count, global is not null, buffers);
                    }

                    await model.WriteAsync(buffers.Raw.AsMemory(0, count * tensor.DType.SizeInBytes()), cancellationToken);
                    if (state is not null)
                    {
                        await state.WriteAsync(buffers.Slots[0].AsMemory(0, count * elementBytes), cancellationToken);
                        for (var slot = 1; slot < buffers.Slots.Length; slot++)
                        {
                            await spills[slot - 1].WriteAsync(buffers.Slots[slot].AsMemory(0, count * elementBytes), cancellationToken);
                        }
                    }
                }

                foreach (var spill in spills)
                {
                    spill.Position = 0;
                    int read;
                    while ((read = await spill.ReadAsync(buffers.Raw, cancellationToken)) > 0)
                    {
                        await state!.WriteAsync(buffers.Raw.AsMemory(0, read), cancellationToken);
                    }
                }
            }
        }
        finally
        {
            foreach (var spill in spills)
            {
                await spill.DisposeAsync();
            }
        }

        await model.CompleteAsync(cancellationToken);
        if (state is not null)
        {
            await state.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// On entry Sum holds the chunk's sums, Raw the global chunk (when there is one) and the slots
    /// the state; on return Raw holds the new model's chunk in the tensor's dtype and the slots the
    /// new state.
    /// </summary>
    private void ComputeChunk<T>(double totalWeight, TensorInfo tensor, int count, bool hasGlobal, ChunkBuffers buffers)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var mean = buffers.Scratch<T>(0, count);
        TensorPrimitives.Divide(MemoryMarshal.Cast<byte, T>(buffers.Sum.AsSpan())[..count], T.CreateTruncating(totalWeight), mean);
        var raw = buffers.Raw.AsSpan(0, count * tensor.DType.SizeInBytes());
        if (!hasGlobal)
        {
            ElementCodec.Encode<T>(tensor.DType, mean, raw);
            return;
        }

        var parameters = buffers.Scratch<T>(1, count);
        ElementCodec.Decode(tensor.DType, raw, parameters);
        var pseudoGradient = mean;
        TensorPrimitives.Subtract(mean, parameters, pseudoGradient);
        var m = buffers.Slots.Length > 0 ? MemoryMarshal.Cast<byte, T>(buffers.Slots[0].AsSpan())[..count] : [];
        var v = buffers.Slots.Length > 1 ? MemoryMarshal.Cast<byte, T>(buffers.Slots[1].AsSpan())[..count] : [];
        Optimizer.Apply(parameters, pseudoGradient, m, v, buffers.Scratch<T>(2, count));
        ElementCodec.Encode<T>(tensor.DType, parameters, raw);
    }

    /// <summary>Per-chunk buffers, allocated once per reduce.</summary>
    private static FileStream SpillFile() => new(
        Path.Combine(Path.GetTempPath(), $"fedn-state-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private sealed class ChunkBuffers(int slots)
    {
        private readonly byte[][] _scratch = [new byte[ChunkElements * 8], new byte[ChunkElements * 8], new byte[ChunkElements * 8]];

        public byte[] Raw { get; } = new byte[ChunkElements * 8];

        /// <summary>The chunk's sums, in the accumulator's dtype.</summary>
        public byte[] Sum { get; } = new byte[ChunkElements * 8];

        public byte[][] Slots { get; } = [.. Enumerable.Range(0, slots).Select(_ => new byte[ChunkElements * 8])];

        public Span<T> Scratch<T>(int index, int count) where T : unmanaged => MemoryMarshal.Cast<byte, T>(_scratch[index].AsSpan())[..count];

        public void FillInitial(int slot, bool isDouble, int count, double value)
        {
            if (isDouble)
            {
                MemoryMarshal.Cast<byte, double>(Slots[slot].AsSpan())[..count].Fill(value);
            }
            else
            {
                MemoryMarshal.Cast<byte, float>(Slots[slot].AsSpan())[..count].Fill((float)value);
            }
        }
    }
}
