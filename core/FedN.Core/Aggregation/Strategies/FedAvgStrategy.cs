using FedN.Contracts.Federation;
using FedN.Core.Aggregation.ServerOptimizers;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>FedAvg (McMahan et al. 2017): the example-weighted mean of the updates, optionally stepped by a server learning rate.</summary>
public sealed class FedAvgStrategy : AggregationStrategy<FedAvgStrategy.Options>
{
    private static readonly Hyperparameter LearningRate = FedOptHyperparameters.ServerLearningRate(1.0);

    /// <summary>FedAvg's settings.</summary>
    /// <param name="ServerLearningRate">η: 1 takes the mean as it is.</param>
    public sealed record Options(double ServerLearningRate = 1.0);

    /// <inheritdoc />
    public override string Name => "fedavg";

    /// <inheritdoc />
    public override string Summary => "example-weighted mean of the updates (McMahan et al. 2017)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [LearningRate];

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new FedOptAggregator(new FedAvgOptimizer(settings.ServerLearningRate));

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) => new(Read(LearningRate, values));
}
