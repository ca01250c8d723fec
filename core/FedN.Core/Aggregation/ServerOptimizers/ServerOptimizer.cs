using System.Numerics;

namespace FedN.Core.Aggregation.ServerOptimizers;

/// <summary>
/// A server-side optimizer applied to the pseudo-gradient Δ = FedAvg(updates) − x, where x is the
/// current global model (Reddi et al., "Adaptive Federated Optimization", ICLR 2021). It works
/// element-wise on chunks, so models of any size stream through it; its state (moment slots such as
/// m and v) is saved next to the model after every round and reloaded by the next.
/// </summary>
public abstract class ServerOptimizer
{
    /// <summary>The aggregator name this optimizer backs, for example <c>fedadam</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Names of the state slots kept per parameter, in order (for example <c>m</c>, <c>v</c>).</summary>
    public abstract IReadOnlyList<string> StateSlots { get; }

    /// <summary>Hyperparameters that are recorded with the state.</summary>
    public abstract IReadOnlyDictionary<string, double> Hyperparameters { get; }

    /// <summary>
    /// Whether the new model is exactly FedAvg's mean (no global model needed): plain FedAvg with a
    /// server learning rate of 1.
    /// </summary>
    public virtual bool IsPlainAverage => false;

    /// <summary>The value a state slot starts at before the first round.</summary>
    public virtual double InitialValue(int slot) => 0;

    /// <summary>
    /// One step on a chunk: updates <paramref name="parameters"/> (x) in place from
    /// <paramref name="pseudoGradient"/> (Δ) and the state slots.
    /// </summary>
    /// <param name="parameters">x on entry, the new global model on return.</param>
    /// <param name="pseudoGradient">Δ; may be overwritten (scratch).</param>
    /// <param name="m">First slot (empty when the optimizer has none).</param>
    /// <param name="v">Second slot (empty when the optimizer has fewer than two).</param>
    /// <param name="scratch">A buffer as long as <paramref name="parameters"/>.</param>
    public abstract void Apply<T>(Span<T> parameters, Span<T> pseudoGradient, Span<T> m, Span<T> v, Span<T> scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}
