using FedN.Contracts.Federation;
using FedN.Core.Aggregation.Robust;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>Coordinate-wise median of the updates (Yin et al. 2018; Flower's FedMedian), unweighted.</summary>
public sealed class MedianStrategy : AggregationStrategy<MedianStrategy.Options>
{
    /// <summary>The median takes no hyperparameters.</summary>
    public sealed record Options;

    /// <inheritdoc />
    public override string Name => "median";

    /// <inheritdoc />
    public override string Summary => "coordinate-wise median of the updates, unweighted (Yin et al. 2018)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [];

    /// <inheritdoc />
    public override bool IsLinear => false;

    /// <inheritdoc />
    public override string? Defence(AggregatorHyperparameters values) => "coordinate-wise median";

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new CoordinateMedianAggregator();

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) => new();
}
