using FedN.Core.Numerics;

namespace FedN.Core.Aggregation.Privacy;

/// <summary>
/// Standard normal samples from a seed, the same sequence on every machine and .NET version
/// (xoshiro256** seeded by SplitMix64, Box–Muller with both outputs used): a retried reduce writes
/// the same bytes. The seed must stay secret for the noise to protect anything.
/// </summary>
internal sealed class GaussianNoise
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double? _spare;

    public GaussianNoise(ulong seed)
    {
        _s0 = StableSeeds.SplitMix(ref seed);
        _s1 = StableSeeds.SplitMix(ref seed);
        _s2 = StableSeeds.SplitMix(ref seed);
        _s3 = StableSeeds.SplitMix(ref seed);
    }

    /// <summary>The next sample of N(0, 1).</summary>
    public double Next()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }

        // u1 in (0, 1] so that the logarithm is finite.
        var u1 = ((NextBits() >> 11) + 1) * (1.0 / (1UL << 53));
        var u2 = (NextBits() >> 11) * (1.0 / (1UL << 53));
        var radius = Math.Sqrt(-2 * Math.Log(u1));
        _spare = radius * Math.Sin(2 * Math.PI * u2);
        return radius * Math.Cos(2 * Math.PI * u2);
    }

    private ulong NextBits()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }
}
