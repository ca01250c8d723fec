using System.Numerics;
using System.Runtime.InteropServices;

namespace FedN.Core.Numerics;

/// <summary>
/// sum[i] ← (((sum[i] + w₀·x₀[i]) + w₁·x₁[i]) + …): the hot loop of aggregation. Up to four inputs
/// are folded per pass over the sum, so the sum is loaded and stored once per four inputs instead
/// of once per input. The additions happen in input order with a separate multiply and add (never
/// a fused multiply-add), so folding inputs together or one at a time gives bit-identical sums on
/// every CPU.
/// </summary>
internal static class WeightedSumKernel
{
    /// <summary>
    /// Folds <paramref name="inputs"/> into <paramref name="sum"/>, in order. Each input buffer holds
    /// at least as many <typeparamref name="T"/> elements as <paramref name="sum"/> (native byte order).
    /// </summary>
    public static void Fold<T>(Span<T> sum, ReadOnlySpan<byte[]> inputs, ReadOnlySpan<T> weights)
        where T : unmanaged, INumberBase<T>
    {
        var b = 0;
        for (; b + 4 <= inputs.Length; b += 4)
        {
            Fold4(sum, As<T>(inputs[b]), As<T>(inputs[b + 1]), As<T>(inputs[b + 2]), As<T>(inputs[b + 3]), weights[b], weights[b + 1], weights[b + 2], weights[b + 3]);
        }

        for (; b < inputs.Length; b++)
        {
            Fold1(sum, As<T>(inputs[b]), weights[b]);
        }
    }

    private static ReadOnlySpan<T> As<T>(byte[] buffer) where T : unmanaged => MemoryMarshal.Cast<byte, T>(buffer.AsSpan());

    private static void Fold1<T>(Span<T> sum, ReadOnlySpan<T> x, T w)
        where T : unmanaged, INumberBase<T>
    {
        x = x[..sum.Length];
        var i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var s = MemoryMarshal.Cast<T, Vector<T>>(sum);
            var v = MemoryMarshal.Cast<T, Vector<T>>(x)[..s.Length];
            var wv = new Vector<T>(w);
            for (var k = 0; k < s.Length; k++)
            {
                s[k] += v[k] * wv;
            }

            i = s.Length * Vector<T>.Count;
        }

        for (; i < sum.Length; i++)
        {
            sum[i] += x[i] * w;
        }
    }

    private static void Fold4<T>(Span<T> sum, ReadOnlySpan<T> x0, ReadOnlySpan<T> x1, ReadOnlySpan<T> x2, ReadOnlySpan<T> x3, T w0, T w1, T w2, T w3)
        where T : unmanaged, INumberBase<T>
    {
        var n = sum.Length;
        x0 = x0[..n];
        x1 = x1[..n];
        x2 = x2[..n];
        x3 = x3[..n];
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
            for (var k = 0; k < count; k++)
            {
                var acc = s[k];
                acc += v0[k] * wv0;
                acc += v1[k] * wv1;
                acc += v2[k] * wv2;
                acc += v3[k] * wv3;
                s[k] = acc;
            }

            i = count * Vector<T>.Count;
        }

        for (; i < n; i++)
        {
            var acc = sum[i];
            acc += x0[i] * w0;
            acc += x1[i] * w1;
            acc += x2[i] * w2;
            acc += x3[i] * w3;
            sum[i] = acc;
        }
    }
}
