using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

public sealed partial class WeightedSumAccumulator
{
    /// <summary>
    /// The sum, read front to back in the global model's order by the reduce step. A streaming
    /// sum's elements are copied from its arrays; a one-shot sum's are folded from its held inputs
    /// a tile at a time as the reads reach them, so reads must go forward.
    /// </summary>
    internal sealed class SumReader(WeightedSumAccumulator sum, CancellationToken cancellationToken) : IAsyncDisposable
    {
        private readonly IAsyncEnumerator<FoldedTile>? _tiles = sum._held is null ? null : sum.FoldHeldTilesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        private FoldedTile? _tile;

        /// <summary>Fills <paramref name="destination"/> with the sums of <paramref name="tensor"/>'s elements from <paramref name="start"/> on, in the accumulator's dtype.</summary>
        /// <exception cref="InvalidDataException">A held input's data is bad (NaN or infinite values, an overflowing sum, a short file).</exception>
        public async ValueTask ReadAsync(TensorInfo tensor, long start, Memory<byte> destination)
        {
            var accumulator = sum._tensors[tensor.Name];
            if (_tiles is null)
            {
                accumulator.CopyBytes(start * accumulator.ElementSize, destination.Span);
                return;
            }

            while (destination.Length > 0)
            {
                while (_tile is not { } tile || tile.Accumulator != accumulator || tile.End <= start)
                {
                    _tile = await _tiles.MoveNextAsync() ? _tiles.Current : throw MovedPast(tensor, start);
                }

                var current = _tile.Value;
                if (current.Start > start)
                {
                    throw MovedPast(tensor, start);
                }

                var size = accumulator.ElementSize;
                var offset = (int)(start - current.Start) * size;
                var count = Math.Min(destination.Length, current.ByteLength - offset);
                sum._staging.AsSpan(offset, count).CopyTo(destination.Span);
                destination = destination[count..];
                start += count / size;
            }
        }

        private static InvalidOperationException MovedPast(TensorInfo tensor, long start) =>
            new($"tensor '{tensor.Name}' from element {start} was read after the sum had moved past it: a one-shot sum is read front to back");

        public ValueTask DisposeAsync() => _tiles?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
