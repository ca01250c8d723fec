using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public class ElementCodecTests
{
    [Theory]
    [InlineData(DType.F16)]
    [InlineData(DType.BF16)]
    [InlineData(DType.F32)]
    public void Floats_round_to_nearest_within_half_an_ulp(DType dtype)
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 1000).Select(_ => (random.NextDouble() - 0.5) * 10).ToArray();
        var back = TestModels.RoundTrip(dtype, values);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(values[i] - back[i]) <= Math.Abs(values[i]) * TestModels.Epsilon(dtype) * 1.01, $"{values[i]} -> {back[i]}");
        }
    }

    [Fact]
    public void BFloat16_keeps_nan_and_infinity_and_rounds_ties_to_even()
    {
        var back = TestModels.RoundTrip(DType.BF16, [double.NaN, double.PositiveInfinity, 1.0 + (1.0 / 256), 1.0 + (3.0 / 256)]);
        Assert.True(double.IsNaN(back[0]));
        Assert.Equal(double.PositiveInfinity, back[1]);
        Assert.Equal(1.0, back[2]);
        Assert.Equal(1.0 + (4.0 / 256), back[3]);
    }

    [Fact]
    public void BFloat16_decoding_is_the_upper_half_of_float32_on_vector_and_scalar_paths()
    {
        var values = Enumerable.Range(0, 67).Select(i => (float)(i * 0.37 - 11)).ToArray();
        var bytes = new byte[values.Length * 2];
        ElementCodec.Encode<float>(DType.BF16, values, bytes);
        var decoded = new float[values.Length];
        ElementCodec.Decode(DType.BF16, bytes, decoded);
        for (var i = 0; i < values.Length; i++)
        {
            var expected = BitConverter.UInt32BitsToSingle((uint)BitConverter.ToUInt16(bytes, 2 * i) << 16);
            Assert.Equal(expected, decoded[i]);
        }
    }

    [Fact]
    public void Integers_round_to_nearest_and_saturate()
    {
        Assert.Equal([2, -2, 127, -128, 0], TestModels.RoundTrip(DType.I8, [1.6, -2.4, 300, -1e9, double.NaN]));
        Assert.Equal([0, 255, 4], TestModels.RoundTrip(DType.U8, [-5, 1000, 3.5]));
        Assert.Equal([123456789012], TestModels.RoundTrip(DType.I64, [123456789012.2]));
    }
}
