namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// Coordinate-wise median (Yin et al. 2018; Flower's FedMedian): each parameter of the new model is
/// the median of the updates' values, the mean of the two middle ones for an even count. Unweighted:
/// a client's claimed example count cannot move it.
/// </summary>
public sealed class CoordinateMedianAggregator : RobustAggregator
{
    /// <inheritdoc />
    public override string Name => "median";

    /// <inheritdoc />
    protected override Task WriteModelAsync(RobustReduce reduce, CancellationToken cancellationToken)
    {
        var n = reduce.Updates.Count;
        return reduce.WriteCoordinatewiseAsync(reduce.AllRows, (rows, count, output) => RobustReduce.ForEachCoordinate(rows, count, output, column =>
        {
            var upper = Selection.NthSmallest(column, n / 2);
            return n % 2 == 1 ? upper : (Selection.Max(column.AsSpan(0, n / 2)) + upper) / 2;
        }), cancellationToken);
    }
}
