namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>FedYogi: v ← v − (1 − β₂)·Δ²·sign(v − Δ²). Defaults η = 0.01, β₁ = 0.9, β₂ = 0.99, τ = 1e-3 (Flower's).</summary>
public sealed class FedYogiOptimizer(double serverLearningRate = 0.01, double beta1 = 0.9, double beta2 = 0.99, double tau = 1e-3)
    : AdaptiveServerOptimizer(serverLearningRate, beta1, beta2, tau)
{
    /// <inheritdoc />
    public override string Name => "fedyogi";

    /// <inheritdoc />
    protected override void UpdateSecondMoment<T>(Span<T> v, ReadOnlySpan<T> squaredPseudoGradient)
    {
        var rate = T.CreateTruncating(1 - Beta2);
        for (var i = 0; i < v.Length; i++)
        {
            var sign = T.CreateTruncating(T.Sign(v[i] - squaredPseudoGradient[i]));
            v[i] -= rate * squaredPseudoGradient[i] * sign;
        }
    }
}
