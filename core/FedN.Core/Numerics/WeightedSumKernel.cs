using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedN.Core.Numerics;

/// <summary>
/// sum[i] ← (((sum[i] + w₀·x₀[i]) + w₁·x₁[i]) + …): the hot loop of aggregation. Up to four inputs
/// are folded per pass over the sum, so the sum is loaded and stored once per four inputs instead
/// of once per input. The additions happen in input order with a separate multiply and add (never
/// a fused multiply-add), so folding inputs together or one at a time gives bit-identical sums on
/// every CPU.
/// </summary>
/// <remarks>
/// The loops are compiled fully optimized at first call (no tiering): a combiner in a fresh
/// serverless instance runs them a few thousand times in all, too few for tiered compilation to
/// promote them before the round is over.
/// </remarks>
internal static class WeightedSumKernel
{
    /// <summary>
    /// Folds <paramref name="inputs"/> into <paramref name="sum"/>, in order, and tells whether every
    /// resulting element is finite. Each input buffer holds at least as many <typeparamref name="T"/>
    /// elements as <paramref name="sum"/> (native byte order).
    /// </summary>
    /// <param name="sum">The running sum.</param>
    /// <param name="inputs">The inputs, folded in this order.</param>
    /// <param name="weights">One weight per input.</param>
    /// <param name="sumIsZero">
    /// The sum holds zeros and may never have been written: the first pass starts from zero in a
    /// register instead of loading it. A freshly allocated sum is then written before it is read,
    /// so each of its pages is faulted in once (not mapped to the zero page on the read, then
    /// copied on the write with a TLB flush). Results are identical to folding into loaded zeros.
    /// </param>
    /// <returns>
    /// Whether the sum holds no NaN or infinity afterwards. Non-finite values never turn finite
    /// again under addition, so a NaN or infinity in any input or partial sum shows up here.
    /// </returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Fold<T>(Span<T> sum, ReadOnlySpan<byte[]> inputs, ReadOnlySpan<T> weights, bool sumIsZero = false)
        where T : unmanaged, INumberBase<T>
    {
        var finite = true;
        var b = 0;
        for (; b + 4 <= inputs.Length; b += 4)
        {
            finite = Fold4(sum, As<T>(inputs[b]), As<T>(inputs[b + 1]), As<T>(inputs[b + 2]), As<T>(inputs[b + 3]), weights[b], weights[b + 1], weights[b + 2], weights[b + 3], sumIsZero && b == 0);
        }

        for (; b < inputs.Length; b++)
        {
            finite = Fold1(sum, As<T>(inputs[b]), weights[b], sumIsZero && b == 0);
        }

        return finite;
    }

    private static ReadOnlySpan<T> As<T>(byte[] buffer) where T : unmanaged => MemoryMarshal.Cast<byte, T>(buffer.AsSpan());

    /// <summary>All bits set where x is finite: x − x is 0 for finite x and NaN for NaN and ±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> FiniteMask<T>(Vector<T> x) where T : unmanaged, INumberBase<T> => Vector.Equals(x - x, Vector<T>.Zero);

    private static bool AllSet<T>(Vector<T> mask) where T : unmanaged => Vector.EqualsAll(Vector.AsVectorByte(mask), Vector<byte>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Fold1<T>(Span<T> sum, ReadOnlySpan<T> x, T w, bool sumIsZero)
        where T : unmanaged, INumberBase<T>
    {
        x = x[..sum.Length];
        var finite = true;
        var i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var s = MemoryMarshal.Cast<T, Vector<T>>(sum);
            var v = MemoryMarshal.Cast<T, Vector<T>>(x)[..s.Length];
            var wv = new Vector<T>(w);
            var mask = Vector<T>.AllBitsSet;
            for (var k = 0; k < s.Length; k++)
            {
                var acc = (sumIsZero ? Vector<T>.Zero : s[k]) + (v[k] * wv);
                mask &= FiniteMask(acc);
                s[k] = acc;
            }

            finite = AllSet(mask);
            i = s.Length * Vector<T>.Count;
        }

        for (; i < sum.Length; i++)
        {
            var acc = (sumIsZero ? T.Zero : sum[i]) + (x[i] * w);
            finite &= T.IsFinite(acc);
            sum[i] = acc;
        }

        return finite;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Fold4<T>(Span<T> sum, ReadOnlySpan<T> x0, ReadOnlySpan<T> x1, ReadOnlySpan<T> x2, ReadOnlySpan<T> x3, T w0, T w1, T w2, T w3, bool sumIsZero)
        where T : unmanaged, INumberBase<T>
    {
        var n = sum.Length;
        x0 = x0[..n];
        x1 = x1[..n];
        x2 = x2[..n];
        x3 = x3[..n];
        var finite = true;
        var i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var s = MemoryMarshal.Cast<T, Vector<T>>(sum);
            var count = s.Length;
            var v0 = MemoryMarshal.Cast<T, Vector<T>>(x0)[..count];
            var v1 = MemoryMarshal.Cast<T, Vector<T>>(x1)[..count];
            var v2 = MemoryMarshal.Cast<T, Vector<T>>(x2)[..count];
            var v3 = MemoryMarshal.Cast<T, Vector<T>>(x3)[..count];
            var (wv0, wv1, wv2, wv3) = (new Vector<T>(w0), new Vector<T>(w1), new Vector<T>(w2), new Vector<T>(w3));
            var mask = Vector<T>.AllBitsSet;
            for (var k = 0; k < count; k++)
            {
                var acc = sumIsZero ? Vector<T>.Zero : s[k];
                acc += v0[k] * wv0;
                acc += v1[k] * wv1;
                acc += v2[k] * wv2;
                acc += v3[k] * wv3;
                mask &= FiniteMask(acc);
                s[k] = acc;
            }

            finite = AllSet(mask);
            i = count * Vector<T>.Count;
        }

        for (; i < n; i++)
        {
            var acc = sumIsZero ? T.Zero : sum[i];
            acc += x0[i] * w0;
            acc += x1[i] * w1;
            acc += x2[i] * w2;
            acc += x3[i] * w3;
            finite &= T.IsFinite(acc);
            sum[i] = acc;
        }

        return finite;
    }
}
