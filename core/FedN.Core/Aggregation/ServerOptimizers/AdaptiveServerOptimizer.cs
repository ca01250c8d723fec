using System.Numerics;
using System.Numerics.Tensors;

namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>
/// The FedOpt adaptive family (Reddi et al., 2021, Algorithm 2), per parameter:
/// <code>
/// m ← β₁·m + (1 − β₁)·Δ
/// v ← (FedAdaGrad)  v + Δ²
///     (FedYogi)     v − (1 − β₂)·Δ²·sign(v − Δ²)
///     (FedAdam)     β₂·v + (1 − β₂)·Δ²
/// x ← x + η·m / (√v + τ)
/// </code>
/// with m₀ = 0 and v₀ = τ² (the paper's v₋₁ ≥ τ²), and no bias correction, as in the paper.
/// </summary>
public abstract class AdaptiveServerOptimizer : ServerOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="serverLearningRate">η.</param>
    /// <param name="beta1">β₁, the first-moment decay.</param>
    /// <param name="beta2">β₂, the second-moment decay (unused by FedAdaGrad).</param>
    /// <param name="tau">τ, the adaptivity (numerical floor of the denominator).</param>
    protected AdaptiveServerOptimizer(double serverLearningRate, double beta1, double beta2, double tau)
    {
        ServerLearningRate = serverLearningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Tau = tau;
    }

    /// <summary>η.</summary>
    public double ServerLearningRate { get; }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>τ.</summary>
    public double Tau { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateSlots => ["m", "v"];

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double>
    {
        ["server_lr"] = ServerLearningRate,
        ["beta1"] = Beta1,
        ["beta2"] = Beta2,
        ["tau"] = Tau,
    };

    /// <inheritdoc />
    public override double InitialValue(int slot) => slot == 1 ? Tau * Tau : 0;

    /// <inheritdoc />
    public override void Apply<T>(Span<T> parameters, Span<T> pseudoGradient, Span<T> m, Span<T> v, Span<T> scratch)
    {
        // m ← β₁·m + (1 − β₁)·Δ
        TensorPrimitives.Multiply(m, T.CreateTruncating(Beta1), m);
        TensorPrimitives.MultiplyAdd(pseudoGradient, T.CreateTruncating(1 - Beta1), m, m);

        // Δ² into the Δ buffer: Δ is not needed any more.
        var squared = pseudoGradient;
        TensorPrimitives.Multiply(pseudoGradient, pseudoGradient, squared);
        UpdateSecondMoment(v, squared);

        // x ← x + η·m / (√v + τ)
        TensorPrimitives.Sqrt(v, scratch);
        TensorPrimitives.Add(scratch, T.CreateTruncating(Tau), scratch);
        TensorPrimitives.Divide(m, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, T.CreateTruncating(ServerLearningRate), parameters, parameters);
    }

    /// <summary>v ← f(v, Δ²), in place.</summary>
    protected abstract void UpdateSecondMoment<T>(Span<T> v, ReadOnlySpan<T> squaredPseudoGradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}
