using System.Numerics.Tensors;

namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// Krum and Multi-Krum (Blanchard et al. 2017): each update is scored by the sum of its squared
/// distances to its N − f − 2 nearest neighbours, and the m best scored are averaged, weighted by
/// examples as Flower does (m = 1 is Krum: the best update itself). Pairwise distances accumulate
/// tile by tile in an N × N matrix, then a second pass averages the selected updates; ties go to the
/// smaller id, so the choice does not depend on the order updates arrived in.
/// </summary>
public sealed class KrumAggregator : RobustAggregator
{
    /// <summary>Creates Krum (<paramref name="selected"/> = 1) or Multi-Krum.</summary>
    /// <param name="byzantine">f, the updates assumed Byzantine.</param>
    /// <param name="selected">m, the updates averaged.</param>
    public KrumAggregator(int byzantine, int selected)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byzantine);
        ArgumentOutOfRangeException.ThrowIfLessThan(selected, 1);
        Byzantine = byzantine;
        Selected = selected;

        // Every pair of rows of a tile is compared: tiles that fit in the last-level cache keep that
        // O(N²) pass off main memory (1000 updates: 8 KB rows, 8 MB in all).
        MemoryBudget = 8L << 20;
    }

    /// <summary>f, the updates assumed Byzantine.</summary>
    public int Byzantine { get; }

    /// <summary>m, the updates averaged.</summary>
    public int Selected { get; }

    /// <inheritdoc />
    public override string Name => Selected == 1 ? "krum" : "multi-krum";

    /// <summary>2f + 3: Krum's neighbourhood of N − f − 2 must hold at least one other update, and at least m updates must be there to select.</summary>
    public override int MinimumUpdates => Math.Max((2 * Byzantine) + 3, Selected);

    /// <summary>The rows (in id order) Krum selects, given squared distances; exposed for tests.</summary>
    public IReadOnlyList<int> Select(double[,] squaredDistances)
    {
        ArgumentNullException.ThrowIfNull(squaredDistances);
        var n = squaredDistances.GetLength(0);
        var neighbours = n - Byzantine - 2;
        var scores = new double[n];
        var others = new double[n - 1];
        for (var i = 0; i < n; i++)
        {
            var k = 0;
            for (var j = 0; j < n; j++)
            {
                if (j != i)
                {
                    others[k++] = squaredDistances[i, j];
                }
            }

            Array.Sort(others);
            scores[i] = others.AsSpan(0, neighbours).ToArray().Sum();
        }

        return [.. Enumerable.Range(0, n).OrderBy(i => scores[i]).ThenBy(i => i).Take(Selected).Order()];
    }

    /// <inheritdoc />
    protected override async Task WriteModelAsync(RobustReduce reduce, CancellationToken cancellationToken)
    {
        var n = reduce.Updates.Count;
        var distances = new double[n, n];
        await reduce.ForEachTileAsync(reduce.AllRows, (rows, count) =>
        {
            // Row i's thread writes [i, j] and [j, i] for j > i only: no two threads share a cell.
            Parallel.For(0, n, i =>
            {
                var row = rows[i].AsSpan(0, count);
                for (var j = i + 1; j < n; j++)
                {
                    var distance = TensorPrimitives.Distance<double>(row, rows[j].AsSpan(0, count));
                    var squared = distance * distance;
                    distances[i, j] += squared;
                    distances[j, i] += squared;
                }
            });
        }, cancellationToken);

        var chosen = Select(distances);
        var weights = chosen.Select(i => reduce.Updates[i].Weight).ToArray();
        var total = weights.Sum();
        await reduce.WriteCoordinatewiseAsync(chosen, (rows, count, output) =>
        {
            var mean = output.AsSpan(0, count);
            mean.Clear();
            for (var c = 0; c < chosen.Count; c++)
            {
                TensorPrimitives.MultiplyAdd(rows[chosen[c]].AsSpan(0, count), weights[c] / total, mean, mean);
            }
        }, cancellationToken);
    }
}
