using FedN.Contracts.Federation;

namespace FedN.Core.Tests;

public sealed class ArrivalCurveTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_long_curve_is_thinned_to_the_limit_keeping_its_ends_and_its_order()
    {
        var points = Enumerable.Range(1, 10_000).Select(i => new ArrivalPoint(T0.AddMilliseconds(i * 7), i)).ToList();

        var thinned = ArrivalCurve.Thin(points);

        Assert.Equal(ArrivalCurve.MaxPoints, thinned.Count);
        Assert.Equal(points[0], thinned[0]);
        Assert.Equal(points[^1], thinned[^1]);
        Assert.True(thinned.Zip(thinned.Skip(1)).All(pair => pair.First.At < pair.Second.At && pair.First.Aggregated < pair.Second.Aggregated));
        // Evenly spaced: no gap is more than one step (in points) longer than another.
        var gaps = thinned.Zip(thinned.Skip(1)).Select(pair => pair.Second.Aggregated - pair.First.Aggregated).ToList();
        Assert.InRange(gaps.Max() - gaps.Min(), 0, 1);
    }

    [Fact]
    public void A_short_curve_is_kept_as_it_is()
    {
        ArrivalPoint[] points = [new(T0, 3), new(T0.AddSeconds(1), 5)];

        Assert.Same(points, ArrivalCurve.Thin(points));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrivalCurve.Thin(points, maxPoints: 1));
    }
}
