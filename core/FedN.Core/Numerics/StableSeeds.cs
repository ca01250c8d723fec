namespace FedN.Core.Numerics;

/// <summary>
/// Derives seeds (differential privacy's noise, a trainer's shuffling) from other numbers: the same
/// inputs give the same seed in every process and on every machine, which <see cref="HashCode"/> does not.
/// </summary>
public static class StableSeeds
{
    /// <summary>Mixes <paramref name="values"/> into one seed (SplitMix64 over each in turn).</summary>
    public static ulong Combine(params ulong[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var state = 0x9E3779B97F4A7C15UL;
        foreach (var value in values)
        {
            state ^= value;
            state = SplitMix(ref state);
        }

        return state;
    }

    /// <summary>One step of SplitMix64: advances <paramref name="state"/> and returns a well-mixed 64-bit value.</summary>
    internal static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
