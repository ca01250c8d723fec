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
        var column = new double[n];
        return reduce.WriteCoordinatewiseAsync(reduce.AllRows, (rows, count, output) =>
        {
            for (var j = 0; j < count; j++)
            {
                for (var i = 0; i < n; i++)
                {
                    column[i] = rows[i][j];
                }

                Array.Sort(column);
                output[j] = n % 2 == 1 ? column[n / 2] : (column[(n / 2) - 1] + column[n / 2]) / 2;
            }
        }, cancellationToken);
    }
}
