using FedN.Contracts.Federation;
using FedN.Core.Aggregation.ServerOptimizers;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>FedYogi: adaptive server optimizer Yogi on FedAvg's pseudo-gradient (Reddi et al. 2021).</summary>
public sealed class FedYogiStrategy : AggregationStrategy<FedYogiStrategy.Options>
{
    private static readonly Hyperparameter LearningRate = FedOptHyperparameters.ServerLearningRate(0.01);
    private static readonly Hyperparameter Beta1 = FedOptHyperparameters.Beta1(0.9);
    private static readonly Hyperparameter Beta2 = FedOptHyperparameters.Beta2(0.99);
    private static readonly Hyperparameter Tau = FedOptHyperparameters.Tau(1e-3);

    /// <summary>FedYogi's settings.</summary>
    public sealed record Options(double ServerLearningRate = 0.01, double Beta1 = 0.9, double Beta2 = 0.99, double Tau = 1e-3);

    /// <inheritdoc />
    public override string Name => "fedyogi";

    /// <inheritdoc />
    public override string Summary => "adaptive server optimizer Yogi on FedAvg's pseudo-gradient (Reddi et al. 2021)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [LearningRate, Beta1, Beta2, Tau];

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override IAggregator Create(Options settings) =>
        new FedOptAggregator(new FedYogiOptimizer(settings.ServerLearningRate, settings.Beta1, settings.Beta2, settings.Tau));

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) =>
        new(Read(LearningRate, values), Read(Beta1, values), Read(Beta2, values), Read(Tau, values));
}
