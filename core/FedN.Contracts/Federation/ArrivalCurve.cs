namespace FedN.Contracts.Federation;

/// <summary>
/// A shard's cumulative count of aggregated updates over time, kept small enough for a round record
/// whatever the number of clients: thinning keeps the first and last points and evenly spaced ones
/// between, which loses no shape because the counts only grow.
/// </summary>
public static class ArrivalCurve
{
    /// <summary>The most points a shard's curve keeps.</summary>
    public const int MaxPoints = 64;

    /// <summary><paramref name="points"/> (oldest first), thinned to at most <paramref name="maxPoints"/>.</summary>
    public static IReadOnlyList<ArrivalPoint> Thin(IReadOnlyList<ArrivalPoint> points, int maxPoints = MaxPoints)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        if (points.Count <= maxPoints)
        {
            return points;
        }

        var step = (points.Count - 1) / (double)(maxPoints - 1);
        return [.. Enumerable.Range(0, maxPoints).Select(i => points[(int)Math.Round(i * step)])];
    }
}
