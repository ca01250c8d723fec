namespace FedN.Core.Aggregation.Privacy;

/// <summary>Derives the seeds of differential privacy's noise: the same inputs give the same seed on every machine.</summary>
public static class NoiseSeeds
{
    /// <summary>Mixes <paramref name="values"/> into one seed (SplitMix64 over each in turn).</summary>
    public static ulong Combine(params ulong[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var state = 0x9E3779B97F4A7C15UL;
        foreach (var value in values)
        {
            state ^= value;
            state = GaussianNoise.SplitMix(ref state);
        }

        return state;
    }
}
