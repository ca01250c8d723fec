namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// Coordinate-wise trimmed mean (Yin et al. 2018; Flower's FedTrimmedAvg): for each parameter, the
/// ⌊β·N⌋ largest and as many smallest values are dropped and the rest averaged, unweighted. β = 0 is
/// the plain mean; β is below 0.5 so that at least one value remains.
/// </summary>
/// <param name="beta">β, the fraction cut from each end, in [0, 0.5).</param>
public sealed class TrimmedMeanAggregator(double beta) : RobustAggregator
{
    /// <summary>β, the fraction cut from each end.</summary>
    public double Beta { get; } = beta is >= 0 and < 0.5 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be in [0, 0.5)");

    /// <inheritdoc />
    public override string Name => "trimmed-mean";

    /// <summary>Values cut from each end of a coordinate when there are <paramref name="n"/> updates.</summary>
    public int Trimmed(int n) => (int)Math.Floor(Beta * n);

    /// <inheritdoc />
    protected override Task WriteModelAsync(RobustReduce reduce, CancellationToken cancellationToken)
    {
        var n = reduce.Updates.Count;
        var cut = Trimmed(n);
        return reduce.WriteCoordinatewiseAsync(reduce.AllRows, (rows, count, output) => RobustReduce.ForEachCoordinate(rows, count, output, column =>
        {
            // The cut smallest end up before position cut, the cut largest after n − cut − 1.
            if (cut > 0)
            {
                Selection.NthSmallest(column, cut);
                Selection.NthSmallest(column.AsSpan(cut), n - (2 * cut) - 1);
            }

            var sum = 0.0;
            for (var i = cut; i < n - cut; i++)
            {
                sum += column[i];
            }

            return sum / (n - (2 * cut));
        }), cancellationToken);
    }
}
