namespace FedN.Contracts.Federation;

/// <summary>
/// The differential privacy a session with a DP aggregator has spent: (ε, δ) after its committed
/// rounds, from a Rényi DP accountant at sampling rate 1 (an upper bound: FedN's client selection is
/// not secret, so it claims no amplification by sampling). Computed when the session is read.
/// </summary>
/// <param name="Epsilon">ε.</param>
/// <param name="Delta">δ, the aggregator's.</param>
/// <param name="Rounds">The committed rounds it covers.</param>
/// <param name="NoiseMultiplier">σ, the noise's standard deviation over the clipping norm.</param>
/// <param name="ClipNorm">C, the clipping norm.</param>
public sealed record PrivacySpent(double Epsilon, double Delta, int Rounds, double NoiseMultiplier, double ClipNorm);
