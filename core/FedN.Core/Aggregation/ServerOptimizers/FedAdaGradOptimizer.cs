using System.Numerics.Tensors;

namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>FedAdaGrad: v ← v + Δ². Defaults η = 0.1, β₁ = 0.9, τ = 1e-9 (Flower's); β₂ is unused.</summary>
public sealed class FedAdaGradOptimizer(double serverLearningRate = 0.1, double beta1 = 0.9, double tau = 1e-9)
    : AdaptiveServerOptimizer(serverLearningRate, beta1, beta2: 0, tau)
{
    /// <inheritdoc />
    public override string Name => "fedadagrad";

    /// <inheritdoc />
    protected override void UpdateSecondMoment<T>(Span<T> v, ReadOnlySpan<T> squaredPseudoGradient) =>
        TensorPrimitives.Add(v, squaredPseudoGradient, v);
}
