using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>
/// How far an update moved from the global model it was trained from (the L2 norm of its
/// difference, over every tensor), and clipping onto a bound: the floor of defence against one
/// client that scales its update to steer the aggregate. Both stream tile by tile in float64.
/// </summary>
public static class UpdateNorm
{
    private const int TileElements = 1 << 16;

    /// <summary>‖update − global‖₂. Not finite when the update holds NaN or infinite values, or values whose squares overflow.</summary>
    /// <param name="global">The global model; read in any order, so it must be random access (a file).</param>
    /// <param name="update">The update, read forwards in its own data order.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ArgumentException">The update does not match the global model's tensors.</exception>
    /// <exception cref="SafetensorsFormatException">A file is truncated or broken.</exception>
    public static async Task<double> DistanceAsync(SafetensorsReader global, SafetensorsReader update, CancellationToken cancellationToken = default)
    {
        var sumOfSquares = 0.0;
        await ForEachTileAsync(global, update, (_, globalValues, updateValues) =>
        {
            for (var i = 0; i < globalValues.Length; i++)
            {
                var difference = updateValues[i] - globalValues[i];
                sumOfSquares += difference * difference;
            }
        }, cancellationToken);
        return Math.Sqrt(sumOfSquares);
    }

    /// <summary>
    /// Writes global + <paramref name="scale"/> · (update − global) to <paramref name="destination"/>,
    /// with the update's tensors and dtypes: the update clipped onto a bound when
    /// <paramref name="scale"/> is the bound over its distance (below 1), amplified (above), or
    /// reversed (negative: what a sign-flipping attacker sends).
    /// </summary>
    /// <exception cref="ArgumentException">The update does not match the global model's tensors, or the scale is zero or not a finite number.</exception>
    /// <exception cref="SafetensorsFormatException">A file is truncated or broken.</exception>
    public static async Task WriteScaledAsync(SafetensorsReader global, SafetensorsReader update, double scale, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!(double.IsFinite(scale) && scale != 0))
        {
            throw new ArgumentException($"scale {scale} must be a finite number other than 0", nameof(scale));
        }

        var header = SafetensorsHeader.Create(update.Header.Tensors.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)), update.Header.Metadata);
        await using var writer = await SafetensorsWriter.CreateAsync(destination, header, leaveOpen: true, cancellationToken);
        var encoded = new byte[TileElements * sizeof(double)];
        await ForEachTileAsync(global, update, (tensor, globalValues, updateValues) =>
        {
            for (var i = 0; i < globalValues.Length; i++)
            {
                updateValues[i] = globalValues[i] + (scale * (updateValues[i] - globalValues[i]));
            }

            var bytes = globalValues.Length * tensor.DType.SizeInBytes();
            ElementCodec.Encode<double>(tensor.DType, updateValues, encoded.AsSpan(0, bytes));
        }, cancellationToken, async (tensor, elements) =>
            await writer.WriteAsync(encoded.AsMemory(0, elements * tensor.DType.SizeInBytes()), cancellationToken));
        await writer.CompleteAsync(cancellationToken);
    }

    private delegate void TileAction(TensorInfo tensor, Span<double> global, Span<double> update);

    private static async Task ForEachTileAsync(SafetensorsReader global, SafetensorsReader update, TileAction action, CancellationToken cancellationToken, Func<TensorInfo, int, ValueTask>? afterTile = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(update);
        if (SchemaCheck.FindMismatch(global.Header, update.Header, t => t.DType) is { } mismatch)
        {
            throw new ArgumentException(mismatch);
        }

        var globalRaw = new byte[TileElements * sizeof(double)];
        var updateRaw = new byte[TileElements * sizeof(double)];
        var globalValues = new double[TileElements];
        var updateValues = new double[TileElements];
        foreach (var tensor in update.Header.Tensors)
        {
            global.Header.TryGetTensor(tensor.Name, out var globalTensor);
            var size = tensor.DType.SizeInBytes();
            for (long start = 0; start < tensor.ElementCount; start += TileElements)
            {
                var count = (int)Math.Min(TileElements, tensor.ElementCount - start);
                await update.ReadAsync(tensor, start * size, updateRaw.AsMemory(0, count * size), cancellationToken);
                await global.ReadAsync(globalTensor!, start * size, globalRaw.AsMemory(0, count * size), cancellationToken);
                ElementCodec.Decode<double>(tensor.DType, updateRaw.AsSpan(0, count * size), updateValues);
                ElementCodec.Decode<double>(globalTensor!.DType, globalRaw.AsSpan(0, count * size), globalValues);
                action(tensor, globalValues.AsSpan(0, count), updateValues.AsSpan(0, count));
                if (afterTile is not null)
                {
                    await afterTile(tensor, count);
                }
            }
        }

        if (!update.IsRandomAccess)
        {
            await update.VerifyEndAsync(cancellationToken);
        }
    }
}
