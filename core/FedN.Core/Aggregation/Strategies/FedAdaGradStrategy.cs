using FedN.Contracts.Federation;
using FedN.Core.Aggregation.ServerOptimizers;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>FedAdaGrad: adaptive server optimizer AdaGrad on FedAvg's pseudo-gradient (Reddi et al. 2021).</summary>
public sealed class FedAdaGradStrategy : AggregationStrategy<FedAdaGradStrategy.Options>
{
    private static readonly Hyperparameter LearningRate = FedOptHyperparameters.ServerLearningRate(0.1);
    private static readonly Hyperparameter Beta1 = FedOptHyperparameters.Beta1(0.9);
    private static readonly Hyperparameter Tau = FedOptHyperparameters.Tau(1e-9);

    /// <summary>FedAdaGrad's settings.</summary>
    public sealed record Options(double ServerLearningRate = 0.1, double Beta1 = 0.9, double Tau = 1e-9);

    /// <inheritdoc />
    public override string Name => "fedadagrad";

    /// <inheritdoc />
    public override string Summary => "adaptive server optimizer AdaGrad on FedAvg's pseudo-gradient (Reddi et al. 2021)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [LearningRate, Beta1, Tau];

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new FedOptAggregator(new FedAdaGradOptimizer(settings.ServerLearningRate, settings.Beta1, settings.Tau));

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) => new(Read(LearningRate, values), Read(Beta1, values), Read(Tau, values));
}
