using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public class AccumulatorArraysTests
{
    private static readonly List<TensorDeclaration> Layout = [new("a", DType.F32, [50_000]), new("b", DType.F64, [10])];

    [Fact]
    public async Task A_sum_in_arrays_left_by_an_earlier_sum_starts_from_zero_and_still_isolates_a_bad_update()
    {
        var random = new Random(21);
        var schema = SafetensorsHeader.Create(Layout);
        var arrays = new AccumulatorArrays();
        using (var earlier = new WeightedSumAccumulator(schema, arrays))
        {
            Assert.Empty(await earlier.AddUpdatesAsync([new WeightedUpdate(TestModels.Source(TestModels.Random(random, Layout, scale: 1e6).ToBytes(), "junk"), 1000)]));
        }

        Assert.Equal((50_000 * sizeof(float)) + (10 * sizeof(double)), arrays.FreeBytes);

        // Nothing folded: the partial holds zeros, not the earlier sum.
        using (var empty = new WeightedSumAccumulator(schema, arrays))
        {
            Assert.Equal(await WriteAsync(new WeightedSumAccumulator(schema)), await WriteAsync(empty));
            Assert.Equal(0, arrays.FreeBytes);
        }

        // A NaN in the last tensor is found after the first was folded: the rebuild starts from zero too.
        var good = Enumerable.Range(0, 3).Select(i => TestModels.Random(random, Layout)).ToList();
        var poisoned = TestModels.Random(random, Layout);
        poisoned.Values["b"][9] = double.NaN;
        using var reused = new WeightedSumAccumulator(schema, arrays);
        using var fresh = new WeightedSumAccumulator(schema);
        foreach (var sum in new[] { reused, fresh })
        {
            await sum.AddUpdatesAsync([new WeightedUpdate(TestModels.Source(good[0].ToBytes(), "g0"), 3)]);
            var rejected = await sum.AddUpdatesAsync([
                new WeightedUpdate(TestModels.Source(good[1].ToBytes(), "g1"), 5),
                new WeightedUpdate(TestModels.Source(poisoned.ToBytes(), "nan"), 7),
                new WeightedUpdate(TestModels.Source(good[2].ToBytes(), "g2"), 11),
            ]);
            Assert.Equal("nan", Assert.Single(rejected).Id);
        }

        Assert.Equal(await WriteAsync(fresh), await WriteAsync(reused));
    }

    [Fact]
    public void Free_and_rented_arrays_together_never_exceed_what_was_once_in_use()
    {
        var arrays = new AccumulatorArrays();
        var (first, second) = (arrays.Rent<float>(1000), arrays.Rent<float>(1000));
        arrays.Return(first);
        arrays.Return(second);
        Assert.Equal(8000, arrays.FreeBytes);
        Assert.Same(second, arrays.Rent<float>(1000));
        arrays.Return(second);

        // A new shape needs a new array: the two of the old shape are let go to make room.
        var larger = arrays.Rent<float>(2000);
        Assert.Equal(0, arrays.FreeBytes);
        arrays.Return(larger);
        Assert.Equal(8000, arrays.FreeBytes);
        Assert.Same(larger, arrays.Rent<float>(2000));
    }

    [Fact]
    public async Task A_disposed_sum_refuses_to_be_used()
    {
        var schema = SafetensorsHeader.Create(Layout);
        var sum = new WeightedSumAccumulator(schema, new AccumulatorArrays());
        sum.Dispose();
        sum.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sum.AddUpdatesAsync([new WeightedUpdate(TestModels.Source(TestModels.Random(new Random(1), Layout).ToBytes(), "u"), 1)]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sum.WriteAsync(Stream.Null));
    }

    private static async Task<byte[]> WriteAsync(WeightedSumAccumulator sum)
    {
        using var stream = new MemoryStream();
        await sum.WriteAsync(stream);
        return stream.ToArray();
    }
}
