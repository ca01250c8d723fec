using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation.Robust;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>Coordinate-wise trimmed mean (Yin et al. 2018; Flower's FedTrimmedAvg), unweighted.</summary>
public sealed class TrimmedMeanStrategy : AggregationStrategy<TrimmedMeanStrategy.Options>
{
    private static readonly Hyperparameter Beta = new("beta", "β, the fraction of values cut from each end of every coordinate", 0.2, 0, 0.5) { MaxInclusive = false };

    /// <summary>The trimmed mean's settings.</summary>
    /// <param name="Beta">β, the fraction cut from each end, in [0, 0.5).</param>
    public sealed record Options(double Beta = 0.2);

    /// <inheritdoc />
    public override string Name => "trimmed-mean";

    /// <inheritdoc />
    public override string Summary => "coordinate-wise mean after cutting the β largest and smallest values, unweighted (Yin et al. 2018)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [Beta];

    /// <inheritdoc />
    public override bool IsLinear => false;

    /// <inheritdoc />
    public override string? Defence(AggregatorHyperparameters values) =>
        string.Create(CultureInfo.InvariantCulture, $"trimmed mean, β {Read(Beta, values):G3}");

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new TrimmedMeanAggregator(settings.Beta);

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) => new(Read(Beta, values));
}
