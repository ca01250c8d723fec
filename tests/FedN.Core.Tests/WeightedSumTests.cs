using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public class WeightedSumTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task FedAvg_matches_the_double_precision_reference_for_random_models(int seed)
    {
        var random = new Random(seed);
        var layout = TestModels.RandomLayout(random);
        var updates = Enumerable.Range(0, random.Next(1, 40))
            .Select(_ => (Model: TestModels.Random(random, layout), Weight: (double)random.Next(1, 5000)))
            .ToList();

        var result = await FedAvgAsync(layout, updates, batchSize: random.Next(1, 20));

        var reference = TestModels.ReferenceMean(updates);
        foreach (var t in layout)
        {
            // One rounding to the output dtype, plus float32 accumulation error for the rest.
            var tolerance = Math.Max(TestModels.Epsilon(t.DType), 1e-6) * 2;
            Assert.True(MaxAbs(reference[t.Name], result[t.Name]) <= tolerance, $"{t.Name} {t.DType}: {MaxAbs(reference[t.Name], result[t.Name])}");
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task Partials_over_any_split_into_shards_compose_to_flat_FedAvg(int seed)
    {
        var random = new Random(seed);
        var layout = TestModels.RandomLayout(random, [DType.F32, DType.F64, DType.F16]);
        var updates = Enumerable.Range(0, random.Next(2, 30))
            .Select(i => (Model: TestModels.Random(random, layout), Weight: (double)random.Next(1, 1000)))
            .ToList();
        var schema = updates[0].Model.Header;

        // Random split into K shards, each a combiner writing its partial.
        var shards = random.Next(1, 6);
        var assignment = updates.Select(_ => random.Next(shards)).ToArray();
        var partials = new List<ModelSource>();
        for (var k = 0; k < shards; k++)
        {
            var combiner = new WeightedSumAccumulator(schema);
            await combiner.AddUpdatesAsync([.. updates.Select((u, i) => (u, i)).Where(x => assignment[x.i] == k)
                .Select(x => new WeightedUpdate(TestModels.Source(x.u.Model.ToBytes(), $"client{x.i}"), x.u.Weight))]);
            using var buffer = new MemoryStream();
            await combiner.WriteAsync(buffer);
            partials.Add(TestModels.Source(buffer.ToArray(), $"shard{k}"));
        }

        var reducer = new WeightedSumAccumulator(schema);
        Assert.Empty(await reducer.AddPartialsAsync(partials));
        Assert.Equal(updates.Count, reducer.Count);
        Assert.Equal(updates.Sum(u => u.Weight), reducer.TotalWeight);
        var hierarchical = await ReduceAsync(reducer);

        var flat = await FedAvgAsync(layout, updates, batchSize: 1);
        foreach (var t in layout)
        {
            Assert.True(MaxAbs(flat[t.Name], hierarchical[t.Name]) <= TestModels.Epsilon(t.DType) * 2, $"{t.Name}: {MaxAbs(flat[t.Name], hierarchical[t.Name])}");
        }
    }

    [Fact]
    public async Task Unweighted_mean_of_combiner_models_would_be_wrong_and_ours_is_not()
    {
        // Shard A: one client with 900 examples at 1.0; shard B: one client with 100 examples at 0.0.
        var layout = new List<TensorDeclaration> { new("w", DType.F32, [1]) };
        var one = new TestModels.Model(SafetensorsHeader.Create(layout), new() { ["w"] = [1.0] });
        var zero = new TestModels.Model(SafetensorsHeader.Create(layout), new() { ["w"] = [0.0] });
        var a = new WeightedSumAccumulator(one.Header);
        await a.AddUpdatesAsync([new WeightedUpdate(TestModels.Source(one.ToBytes(), "a"), 900)]);
        var b = new WeightedSumAccumulator(one.Header);
        await b.AddUpdatesAsync([new WeightedUpdate(TestModels.Source(zero.ToBytes(), "b"), 100)]);
        var reducer = new WeightedSumAccumulator(one.Header);
        await reducer.AddPartialsAsync([await PartialSource(a, "A"), await PartialSource(b, "B")]);
        Assert.Equal(0.9, (await ReduceAsync(reducer))["w"][0], 6);
    }

    [Fact]
    public async Task Batched_and_one_at_a_time_give_bit_identical_sums()
    {
        var random = new Random(7);
        var layout = new List<TensorDeclaration> { new("a", DType.F32, [70_000]), new("b", DType.BF16, [513]), new("c", DType.F64, [33, 3]) };
        var updates = Enumerable.Range(0, 20).Select(i => (Model: TestModels.Random(random, layout), Weight: (double)(i + 1) * 37)).ToList();
        var batched = await PartialBytesAsync(layout, updates, batchSize: 20);
        var single = await PartialBytesAsync(layout, updates, batchSize: 1);
        Assert.Equal(single, batched);
    }

    [Fact]
    public async Task Inputs_laid_out_in_another_order_or_forward_only_give_the_same_result()
    {
        var random = new Random(8);
        var layout = new List<TensorDeclaration> { new("a", DType.F32, [1000]), new("b", DType.F16, [17]), new("c", DType.F64, [5]) };
        var updates = Enumerable.Range(0, 6).Select(i => (Model: TestModels.Random(random, layout), Weight: (double)(i + 1))).ToList();
        var schema = updates[0].Model.Header;
        var mixed = new WeightedSumAccumulator(schema);
        await mixed.AddUpdatesAsync([.. updates.Select((u, i) => new WeightedUpdate(
            i % 3 == 0 ? TestModels.ForwardOnlySource(TestModels.Reordered(u.Model).ToBytes(), $"c{i}")
            : i % 3 == 1 ? TestModels.Source(TestModels.Reordered(u.Model).ToBytes(), $"c{i}")
            : TestModels.Source(u.Model.ToBytes(), $"c{i}"), u.Weight))]);
        Assert.Empty(mixed.Rejections);
        var result = await ReduceAsync(mixed);
        var reference = TestModels.ReferenceMean(updates);
        Assert.True(TestModels.MaxAbsDifference(reference, result) < 1e-3);
    }

    [Fact]
    public async Task A_bad_update_found_midway_never_touches_the_result()
    {
        var random = new Random(9);
        var layout = new List<TensorDeclaration> { new("a", DType.F32, [50_000]), new("b", DType.F32, [10]) };
        var good = Enumerable.Range(0, 8).Select(i => (Model: TestModels.Random(random, layout), Weight: (double)(i + 1))).ToList();

        // NaN at the very end of the last tensor: found after every earlier tile was already added.
        var poisoned = TestModels.Random(random, layout);
        poisoned.Values["b"][9] = double.NaN;
        var infinite = TestModels.Random(random, layout);
        infinite.Values["a"][40_000] = double.PositiveInfinity;
        var truncated = TestModels.Random(random, layout).ToBytes()[..^4];

        var schema = good[0].Model.Header;
        var accumulator = new WeightedSumAccumulator(schema);
        await accumulator.AddUpdatesAsync([.. good.Take(3).Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"g{i}"), u.Weight))]);
        var rejections = await accumulator.AddUpdatesAsync([
            new WeightedUpdate(TestModels.Source(good[3].Model.ToBytes(), "g3"), good[3].Weight),
            new WeightedUpdate(TestModels.Source(poisoned.ToBytes(), "nan"), 50),
            new WeightedUpdate(TestModels.Source(good[4].Model.ToBytes(), "g4"), good[4].Weight),
            new WeightedUpdate(TestModels.ForwardOnlySource(truncated, "truncated"), 50),
            new WeightedUpdate(TestModels.Source(infinite.ToBytes(), "inf"), 50),
            .. good.Skip(5).Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"g{i + 5}"), u.Weight)),
        ]);

        Assert.Equal(["inf", "nan", "truncated"], rejections.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Contains("tensor 'b' contains NaN or infinite values", rejections.Single(r => r.Id == "nan").Reason, StringComparison.Ordinal);
        Assert.Contains("truncated", rejections.Single(r => r.Id == "truncated").Reason, StringComparison.Ordinal);
        Assert.Equal(8, accumulator.Count);

        // Bit-identical to never having seen the bad ones.
        var clean = await PartialBytesAsync(layout, good, batchSize: 16);
        using var actual = new MemoryStream();
        await accumulator.WriteAsync(actual);
        Assert.Equal(clean, actual.ToArray());
    }

    [Fact]
    public async Task Tiles_read_ahead_on_another_thread_give_the_same_sum_and_still_isolate_a_bad_update()
    {
        // Tensors of several MB: every tile is large enough to be read on the thread pool while the
        // previous one is folded.
        var random = new Random(11);
        var layout = new List<TensorDeclaration> { new("a", DType.F32, [700_000]), new("b", DType.F16, [400_000]), new("c", DType.F32, [3]) };
        var good = Enumerable.Range(0, 6).Select(i => (Model: TestModels.Random(random, layout), Weight: (double)(i + 3))).ToList();
        var poisoned = TestModels.Random(random, layout);
        poisoned.Values["a"][650_000] = double.NaN;

        var accumulator = new WeightedSumAccumulator(good[0].Model.Header);
        var rejections = await accumulator.AddUpdatesAsync([
            .. good.Take(3).Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"g{i}"), u.Weight)),
            new WeightedUpdate(TestModels.Source(poisoned.ToBytes(), "nan"), 10),
            .. good.Skip(3).Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"g{i + 3}"), u.Weight)),
        ]);

        Assert.Equal("nan", Assert.Single(rejections).Id);
        using var actual = new MemoryStream();
        await accumulator.WriteAsync(actual);
        var single = await PartialBytesAsync(layout, good, batchSize: 1);
        Assert.Equal(single, actual.ToArray());
        Assert.Equal(single, await PartialBytesAsync(layout, good, batchSize: 4));
        var result = await ReduceAsync(accumulator);
        Assert.True(TestModels.MaxAbsDifference(TestModels.ReferenceMean(good), result) < 1e-3);
    }

    [Fact]
    public async Task Schema_mismatches_weights_and_duplicates_are_rejected_with_reasons()
    {
        var random = new Random(10);
        var layout = new List<TensorDeclaration> { new("w", DType.F32, [4, 2]), new("b", DType.F32, [2]) };
        var schema = SafetensorsHeader.Create(layout);
        var good = TestModels.Random(random, layout).ToBytes();
        var accumulator = new WeightedSumAccumulator(schema);
        var rejections = await accumulator.AddUpdatesAsync([
            new WeightedUpdate(TestModels.Source(good, "ok"), 10),
            new WeightedUpdate(TestModels.Source(good, "ok"), 10),
            new WeightedUpdate(TestModels.Source(good, "zero"), 0),
            new WeightedUpdate(TestModels.Source(good, "nan-weight"), double.NaN),
            new WeightedUpdate(TestModels.Source(TestModels.Random(random, [new("w", DType.F32, [2, 4]), new("b", DType.F32, [2])]).ToBytes(), "shape"), 1),
            new WeightedUpdate(TestModels.Source(TestModels.Random(random, [new("w", DType.F16, [4, 2]), new("b", DType.F32, [2])]).ToBytes(), "dtype"), 1),
            new WeightedUpdate(TestModels.Source(TestModels.Random(random, [new("w", DType.F32, [4, 2])]).ToBytes(), "missing"), 1),
            new WeightedUpdate(TestModels.Source(TestModels.Random(random, [.. layout, new("extra", DType.F32, [1])]).ToBytes(), "extra"), 1),
            new WeightedUpdate(TestModels.Source([1, 2, 3], "garbage"), 1),
            new WeightedUpdate(new ModelSource("gone", _ => throw new FileNotFoundException("no such blob")), 1),
        ]);

        var reasons = rejections.ToDictionary(r => r.Id, r => r.Reason);
        Assert.Equal(1, accumulator.Count);
        Assert.Contains("duplicate", reasons["ok"], StringComparison.Ordinal);
        Assert.Contains("not a positive number", reasons["zero"], StringComparison.Ordinal);
        Assert.Contains("not a positive number", reasons["nan-weight"], StringComparison.Ordinal);
        Assert.Equal("the model does not match the global model (tensor 'w' has shape [2, 4], expected [4, 2])", reasons["shape"]);
        Assert.Equal("the model does not match the global model (tensor 'w' has dtype F16, expected F32)", reasons["dtype"]);
        Assert.Equal("the model does not match the global model (tensor 'b' is missing)", reasons["missing"]);
        Assert.Equal("the model does not match the global model (tensor 'extra' is not in the global model)", reasons["extra"]);
        Assert.Contains("too short", reasons["garbage"], StringComparison.Ordinal);
        Assert.Contains("no such blob", reasons["gone"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partials_with_bad_metadata_are_rejected()
    {
        var layout = new List<TensorDeclaration> { new("w", DType.F32, [2]) };
        var update = TestModels.Random(new Random(1), layout);
        var reducer = new WeightedSumAccumulator(update.Header);
        var rejections = await reducer.AddPartialsAsync([TestModels.Source(update.ToBytes(), "not-a-partial")]);
        Assert.Contains("not a partial aggregate", rejections.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_with_non_arithmetic_tensors_cannot_be_averaged()
    {
        var e = Assert.Throws<ArgumentException>(() => new WeightedSumAccumulator(SafetensorsHeader.Create([new("mask", DType.Bool, [3])])));
        Assert.Contains("mask", e.Message, StringComparison.Ordinal);
    }

    internal static async Task<Dictionary<string, double[]>> FedAvgAsync(IReadOnlyList<TensorDeclaration> layout, IReadOnlyList<(TestModels.Model Model, double Weight)> updates, int batchSize)
    {
        var accumulator = new WeightedSumAccumulator(SafetensorsHeader.Create(layout));
        foreach (var batch in updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"client{i}"), u.Weight)).Chunk(batchSize))
        {
            Assert.Empty(await accumulator.AddUpdatesAsync(batch));
        }

        return await ReduceAsync(accumulator);
    }

    private static async Task<byte[]> PartialBytesAsync(IReadOnlyList<TensorDeclaration> layout, IReadOnlyList<(TestModels.Model Model, double Weight)> updates, int batchSize)
    {
        var accumulator = new WeightedSumAccumulator(SafetensorsHeader.Create(layout));
        foreach (var batch in updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"g{i}"), u.Weight)).Chunk(batchSize))
        {
            Assert.Empty(await accumulator.AddUpdatesAsync(batch));
        }

        using var stream = new MemoryStream();
        await accumulator.WriteAsync(stream);
        return stream.ToArray();
    }

    private static async Task<ModelSource> PartialSource(WeightedSumAccumulator accumulator, string id)
    {
        using var stream = new MemoryStream();
        await accumulator.WriteAsync(stream);
        return TestModels.Source(stream.ToArray(), id);
    }

    private static async Task<Dictionary<string, double[]>> ReduceAsync(WeightedSumAccumulator accumulator)
    {
        using var output = new MemoryStream();
        await Aggregators.Create("fedavg").ReduceAsync(accumulator, new ReduceContext { ModelOutput = output });
        output.Position = 0;
        return await TestModels.ReadAllAsync(output);
    }

    private static double MaxAbs(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
}
