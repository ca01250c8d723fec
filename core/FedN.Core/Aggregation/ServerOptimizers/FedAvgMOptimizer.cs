using System.Numerics;
using System.Numerics.Tensors;

namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>
/// FedAvgM, server momentum (Hsu et al., 2019): m ← β·m + Δ; x ← x + η·m. With β = 0 and η = 1 it is FedAvg.
/// </summary>
public sealed class FedAvgMOptimizer(double serverLearningRate = 1.0, double momentum = 0.9) : ServerOptimizer
{
    /// <inheritdoc />
    public override string Name => "fedavgm";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateSlots => ["m"];

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double>
    {
        ["server_lr"] = serverLearningRate,
        ["momentum"] = momentum,
    };

    /// <inheritdoc />
    public override void Apply<T>(Span<T> parameters, Span<T> pseudoGradient, Span<T> m, Span<T> v, Span<T> scratch)
    {
        TensorPrimitives.MultiplyAdd(m, T.CreateTruncating(momentum), pseudoGradient, m);
        TensorPrimitives.MultiplyAdd(m, T.CreateTruncating(serverLearningRate), parameters, parameters);
    }
}
