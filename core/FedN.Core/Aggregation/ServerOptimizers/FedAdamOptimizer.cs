using System.Numerics;
using System.Numerics.Tensors;

namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>FedAdam: v ← β₂·v + (1 − β₂)·Δ². Defaults η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 1e-9 (Flower's).</summary>
public sealed class FedAdamOptimizer(double serverLearningRate = 0.1, double beta1 = 0.9, double beta2 = 0.99, double tau = 1e-9)
    : AdaptiveServerOptimizer(serverLearningRate, beta1, beta2, tau)
{
    /// <inheritdoc />
    public override string Name => "fedadam";

    /// <inheritdoc />
    protected override void UpdateSecondMoment<T>(Span<T> v, ReadOnlySpan<T> squaredPseudoGradient)
    {
        TensorPrimitives.Multiply(v, T.CreateTruncating(Beta2), v);
        TensorPrimitives.MultiplyAdd(squaredPseudoGradient, T.CreateTruncating(1 - Beta2), v, v);
    }
}
