using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FedN.Core.Safetensors;

namespace FedN.Core.Numerics;

/// <summary>
/// Converts raw little-endian tensor bytes of any arithmetic <see cref="DType"/> to and from
/// <see cref="float"/> or <see cref="double"/> spans, vectorized. Floats round to nearest even;
/// integers round to nearest and saturate (NaN becomes 0).
/// </summary>
public static class ElementCodec
{
    private const int ScratchElements = 1024;

    static ElementCodec()
    {
        // safetensors is little-endian; so are x64 and Arm64, the only targets FedN ships for.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("FedN requires a little-endian CPU.");
        }
    }

    /// <summary>Whether <paramref name="dtype"/> can be decoded to numbers (everything but BOOL and the 8-bit floats).</summary>
    public static bool IsArithmetic(DType dtype) => dtype is not (DType.Bool or DType.F8E4M3 or DType.F8E5M2);

    /// <summary>
    /// The accumulator type that holds a dtype's values without loss of range or meaningful
    /// precision: <see cref="double"/> for F64 and the 32/64-bit integers, <see cref="float"/> otherwise.
    /// </summary>
    public static bool NeedsDoubleAccumulator(DType dtype) => dtype is DType.F64 or DType.I64 or DType.U64 or DType.I32 or DType.U32;

    /// <summary>Decodes <paramref name="source"/> (elements of <paramref name="dtype"/>) into <paramref name="destination"/>.</summary>
    public static void Decode<T>(DType dtype, ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var count = source.Length / dtype.SizeInBytes();
        if (count * dtype.SizeInBytes() != source.Length || destination.Length < count)
        {
            throw new ArgumentException($"{source.Length} bytes of {dtype.ToSafetensorsName()} do not fit {destination.Length} elements.");
        }

        var target = destination[..count];
        switch (dtype)
        {
            case DType.F32: Convert(MemoryMarshal.Cast<byte, float>(source), target); break;
            case DType.F64: Convert(MemoryMarshal.Cast<byte, double>(source), target); break;
            case DType.F16: Convert(MemoryMarshal.Cast<byte, Half>(source), target); break;
            case DType.BF16: DecodeBFloat16(MemoryMarshal.Cast<byte, ushort>(source), target); break;
            case DType.U8: Convert(source, target); break;
            case DType.I8: Convert(MemoryMarshal.Cast<byte, sbyte>(source), target); break;
            case DType.I16: Convert(MemoryMarshal.Cast<byte, short>(source), target); break;
            case DType.U16: Convert(MemoryMarshal.Cast<byte, ushort>(source), target); break;
            case DType.I32: Convert(MemoryMarshal.Cast<byte, int>(source), target); break;
            case DType.U32: Convert(MemoryMarshal.Cast<byte, uint>(source), target); break;
            case DType.I64: Convert(MemoryMarshal.Cast<byte, long>(source), target); break;
            case DType.U64: Convert(MemoryMarshal.Cast<byte, ulong>(source), target); break;
            default: throw new NotSupportedException($"dtype {dtype.ToSafetensorsName()} has no arithmetic values.");
        }
    }

    /// <summary>Encodes <paramref name="source"/> as elements of <paramref name="dtype"/> into <paramref name="destination"/>.</summary>
    public static void Encode<T>(DType dtype, ReadOnlySpan<T> source, Span<byte> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var bytes = source.Length * dtype.SizeInBytes();
        if (destination.Length < bytes)
        {
            throw new ArgumentException($"{source.Length} elements of {dtype.ToSafetensorsName()} need {bytes} bytes; the destination has {destination.Length}.");
        }

        var target = destination[..bytes];
        switch (dtype)
        {
            case DType.F32: Convert(source, MemoryMarshal.Cast<byte, float>(target)); break;
            case DType.F64: Convert(source, MemoryMarshal.Cast<byte, double>(target)); break;
            case DType.F16: Convert(source, MemoryMarshal.Cast<byte, Half>(target)); break;
            case DType.BF16: EncodeBFloat16(source, MemoryMarshal.Cast<byte, ushort>(target)); break;
            case DType.U8: EncodeInteger(source, target); break;
            case DType.I8: EncodeInteger(source, MemoryMarshal.Cast<byte, sbyte>(target)); break;
            case DType.I16: EncodeInteger(source, MemoryMarshal.Cast<byte, short>(target)); break;
            case DType.U16: EncodeInteger(source, MemoryMarshal.Cast<byte, ushort>(target)); break;
            case DType.I32: EncodeInteger(source, MemoryMarshal.Cast<byte, int>(target)); break;
            case DType.U32: EncodeInteger(source, MemoryMarshal.Cast<byte, uint>(target)); break;
            case DType.I64: EncodeInteger(source, MemoryMarshal.Cast<byte, long>(target)); break;
            case DType.U64: EncodeInteger(source, MemoryMarshal.Cast<byte, ulong>(target)); break;
            default: throw new NotSupportedException($"dtype {dtype.ToSafetensorsName()} has no arithmetic values.");
        }
    }

    private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, INumberBase<TTo>
    {
        if (typeof(TFrom) == typeof(TTo))
        {
            MemoryMarshal.Cast<TFrom, TTo>(source).CopyTo(destination);
        }
        else
        {
            // Between floating-point types "truncating" is the ordinary round-to-nearest conversion.
            TensorPrimitives.ConvertTruncating(source, destination);
        }
    }

    private static void EncodeInteger<T, TInt>(ReadOnlySpan<T> source, Span<TInt> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TInt : unmanaged, IBinaryInteger<TInt>
    {
        Span<T> rounded = stackalloc T[ScratchElements];
        for (var start = 0; start < source.Length; start += ScratchElements)
        {
            var count = Math.Min(ScratchElements, source.Length - start);
            TensorPrimitives.Round(source.Slice(start, count), rounded[..count]);
            TensorPrimitives.ConvertSaturating<T, TInt>(rounded[..count], destination.Slice(start, count));
        }
    }

    private static void DecodeBFloat16<T>(ReadOnlySpan<ushort> source, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            DecodeBFloat16(source, MemoryMarshal.Cast<T, float>(destination));
            return;
        }

        Span<float> scratch = stackalloc float[ScratchElements];
        for (var start = 0; start < source.Length; start += ScratchElements)
        {
            var count = Math.Min(ScratchElements, source.Length - start);
            DecodeBFloat16(source.Slice(start, count), scratch[..count]);
            TensorPrimitives.ConvertTruncating<float, T>(scratch[..count], destination.Slice(start, count));
        }
    }

    /// <summary>bfloat16 is the top half of a float32: widen and shift left by 16.</summary>
    private static void DecodeBFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var inputs = MemoryMarshal.Cast<ushort, Vector<ushort>>(source);
            var outputs = MemoryMarshal.Cast<float, Vector<uint>>(destination);
            for (var v = 0; v < inputs.Length; v++)
            {
                Vector.Widen(inputs[v], out var low, out var high);
                outputs[2 * v] = low << 16;
                outputs[(2 * v) + 1] = high << 16;
            }

            i = inputs.Length * Vector<ushort>.Count;
        }

        for (; i < source.Length; i++)
        {
            destination[i] = BitConverter.UInt32BitsToSingle((uint)source[i] << 16);
        }
    }

    /// <summary>float32 to bfloat16 with round-to-nearest-even; NaN stays a (quiet) NaN.</summary>
    private static void EncodeBFloat16<T>(ReadOnlySpan<T> source, Span<ushort> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var value = float.CreateTruncating(source[i]);
            var bits = BitConverter.SingleToUInt32Bits(value);
            destination[i] = float.IsNaN(value)
                ? (ushort)((bits >> 16) | 0x0040)
                : (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
        }
    }
}
