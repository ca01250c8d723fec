using System.Numerics;
using System.Numerics.Tensors;

namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>
/// FedAvg (McMahan et al., 2017) with a server learning rate η: x ← x + η·Δ. With η = 1 (the
/// default) the new model is the weighted mean itself, computed directly from the sum.
/// </summary>
public sealed class FedAvgOptimizer(double serverLearningRate = 1.0) : ServerOptimizer
{
    /// <inheritdoc />
    public override string Name => "fedavg";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateSlots => [];

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double> { ["server_lr"] = serverLearningRate };

    /// <inheritdoc />
    public override bool IsPlainAverage => serverLearningRate == 1.0;

    /// <inheritdoc />
    public override void Apply<T>(Span<T> parameters, Span<T> pseudoGradient, Span<T> m, Span<T> v, Span<T> scratch) =>
        TensorPrimitives.MultiplyAdd(pseudoGradient, T.CreateTruncating(serverLearningRate), parameters, parameters);
}
