using FedN.Contracts.Federation;
using FedN.Core.Aggregation.ServerOptimizers;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>FedAvgM (Hsu et al. 2019): FedAvg's pseudo-gradient with server momentum.</summary>
public sealed class FedAvgMStrategy : AggregationStrategy<FedAvgMStrategy.Options>
{
    private static readonly Hyperparameter LearningRate = FedOptHyperparameters.ServerLearningRate(1.0);
    private static readonly Hyperparameter Momentum = new("momentum", "β, the server momentum", 0.9, 0, 1) { MaxInclusive = false };

    /// <summary>FedAvgM's settings.</summary>
    public sealed record Options(double ServerLearningRate = 1.0, double Momentum = 0.9);

    /// <inheritdoc />
    public override string Name => "fedavgm";

    /// <inheritdoc />
    public override string Summary => "FedAvg with server momentum (Hsu et al. 2019)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [LearningRate, Momentum];

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new FedOptAggregator(new FedAvgMOptimizer(settings.ServerLearningRate, settings.Momentum));

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) => new(Read(LearningRate, values), Read(Momentum, values));
}
