using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation.Privacy;

/// <summary>The Gaussian mechanism on a model file: the noise step of DP-FedAvg on the server, and of client-side DP before an update leaves its client.</summary>
public static class GaussianMechanism
{
    private const int TileElements = 1 << 15;

    /// <summary>
    /// Writes <paramref name="model"/> with N(0, <paramref name="standardDeviation"/>²) added to every
    /// parameter, drawn from <paramref name="seed"/> (the same seed gives the same bytes), in the
    /// model's tensors and dtypes, tile by tile.
    /// </summary>
    public static async Task AddNoiseAsync(SafetensorsReader model, Stream destination, double standardDeviation, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        if (!(double.IsFinite(standardDeviation) && standardDeviation >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "the noise's standard deviation must be a non-negative number");
        }

        var noise = new GaussianNoise(seed);
        var header = SafetensorsHeader.Create(model.Header.Tensors.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)), model.Header.Metadata);
        await using var writer = await SafetensorsWriter.CreateAsync(destination, header, leaveOpen: true, cancellationToken);
        var raw = new byte[TileElements * sizeof(double)];
        var values = new double[TileElements];
        foreach (var tensor in model.Header.Tensors)
        {
            var size = tensor.DType.SizeInBytes();
            for (long start = 0; start < tensor.ElementCount; start += TileElements)
            {
                var count = (int)Math.Min(TileElements, tensor.ElementCount - start);
                await model.ReadAsync(tensor, start * size, raw.AsMemory(0, count * size), cancellationToken);
                ElementCodec.Decode<double>(tensor.DType, raw.AsSpan(0, count * size), values.AsSpan(0, count));
                for (var i = 0; i < count; i++)
                {
                    values[i] += standardDeviation * noise.Next();
                }

                ElementCodec.Encode<double>(tensor.DType, values.AsSpan(0, count), raw.AsSpan(0, count * size));
                await writer.WriteAsync(raw.AsMemory(0, count * size), cancellationToken);
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }
}
