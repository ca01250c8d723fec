namespace FedN.Core.Aggregation.Privacy;

/// <summary>
/// Privacy accounting for the (sampled) Gaussian mechanism with Rényi differential privacy
/// (Mironov 2017; Mironov, Talwar and Zhang 2019, the analysis behind TensorFlow Privacy's
/// <c>rdp_accountant</c> and Opacus' RDP accountant): the RDP of each round at integer orders α,
/// composed over rounds by adding, and converted to (ε, δ) with ε = min over α of
/// RDP(α) + log(1/δ)/(α − 1). Integer orders only, which gives an ε a little above what fractional
/// orders would, never below.
/// </summary>
public static class RdpAccountant
{
    /// <summary>The orders tried by default: 2 … 256.</summary>
    public static IReadOnlyList<int> DefaultOrders { get; } = [.. Enumerable.Range(2, 255)];

    /// <summary>
    /// The RDP at order <paramref name="order"/> of <paramref name="steps"/> rounds of the Gaussian
    /// mechanism with noise multiplier <paramref name="noiseMultiplier"/> (noise standard deviation
    /// over the clipping norm), each applied to a sample drawn with probability
    /// <paramref name="samplingRate"/> per participant.
    /// </summary>
    public static double Rdp(double samplingRate, double noiseMultiplier, int steps, int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (!(samplingRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "the sampling rate must be in [0, 1]");
        }

        if (!(noiseMultiplier >= 0) || double.IsNaN(noiseMultiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "the noise multiplier must not be negative");
        }

        if (samplingRate == 0 || steps == 0)
        {
            return 0;
        }

        if (noiseMultiplier == 0)
        {
            return double.PositiveInfinity;
        }

        var variance = noiseMultiplier * noiseMultiplier;
        if (samplingRate == 1)
        {
            return steps * order / (2 * variance);
        }

        // log A_α = log Σ_i C(α, i) q^i (1 − q)^(α − i) exp((i² − i) / (2σ²)), summed in log space.
        var logA = double.NegativeInfinity;
        var logQ = Math.Log(samplingRate);
        var log1MinusQ = Math.Log(1 - samplingRate);
        for (var i = 0; i <= order; i++)
        {
            var term = LogBinomial(order, i) + (i * logQ) + ((order - i) * log1MinusQ) + (((double)i * i - i) / (2 * variance));
            logA = LogAdd(logA, term);
        }

        return steps * logA / (order - 1);
    }

    /// <summary>The smallest ε, over <paramref name="orders"/>, for which the mechanism is (ε, <paramref name="delta"/>)-DP, and the order that gives it.</summary>
    public static (double Epsilon, int Order) Epsilon(double samplingRate, double noiseMultiplier, int steps, double delta, IReadOnlyList<int>? orders = null)
    {
        if (!(delta is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1)");
        }

        if (steps == 0 || samplingRate == 0)
        {
            return (0, 0); // nothing released: no privacy spent
        }

        var best = (Epsilon: double.PositiveInfinity, Order: 0);
        foreach (var order in orders ?? DefaultOrders)
        {
            var epsilon = Rdp(samplingRate, noiseMultiplier, steps, order) - (Math.Log(delta) / (order - 1));
            if (epsilon < best.Epsilon)
            {
                best = (epsilon, order);
            }
        }

        return best;
    }

    private static double LogBinomial(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        var sum = 0.0;
        for (var i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        var (high, low) = a > b ? (a, b) : (b, a);
        return high + double.LogP1(Math.Exp(low - high));
    }
}
