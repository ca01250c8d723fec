using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

/// <summary>A one-shot sum (<see cref="PartialOptions.OneShot"/>): all inputs in one call, folded while the result is written.</summary>
public class OneShotSumTests
{
    // Tensors of several tiles each, in three accumulator paths (F32 as is, F16 decoded, F64).
    private static readonly List<TensorDeclaration> Layout = [new("a", DType.F32, [700_000]), new("b", DType.F16, [300_001]), new("c", DType.F64, [70_000]), new("d", DType.F32, [3])];

    [Fact]
    public async Task Its_partial_is_the_streaming_partial_bit_for_bit_and_it_never_holds_a_model_sized_array()
    {
        var updates = Updates(seed: 31, count: 7);
        var streamingArrays = new AccumulatorArrays();
        byte[] streaming;
        using (var sum = new WeightedSumAccumulator(Schema, streamingArrays))
        {
            Assert.Empty(await sum.AddUpdatesAsync(Weighted(updates)));
            streaming = await WriteAsync(sum);
        }

        var oneShotArrays = new AccumulatorArrays();
        using (var sum = new WeightedSumAccumulator(Schema, oneShotArrays, PartialOptions.AllAtOnce))
        {
            Assert.Empty(await sum.AddUpdatesAsync(Weighted(updates)));
            Assert.Equal(7, sum.Count);
            Assert.Equal(updates.Sum(u => u.Weight), sum.TotalWeight);
            Assert.Equal(streaming, await WriteAsync(sum));

            // Read again, it folds again: the same bytes.
            Assert.Equal(streaming, await WriteAsync(sum));
        }

        // The streaming sum's arrays came back to its pool; the one-shot sum never took any.
        Assert.True(streamingArrays.FreeBytes >= 700_000 * sizeof(float));
        Assert.Equal(0, oneShotArrays.FreeBytes);
    }

    [Theory]
    [InlineData("fedavg")]
    [InlineData("fedadam")]
    public async Task A_reducer_merging_partials_in_one_shot_writes_the_streaming_model_and_state(string method)
    {
        var aggregator = Aggregators.Create(method);
        var updates = Updates(seed: 32, count: 9);
        var global = TestModels.Random(new Random(33), Layout).ToBytes();

        // Three combiners' partials (one of them empty), merged by a streaming and by a one-shot reducer, two rounds running.
        var partials = new List<byte[]>();
        foreach (var shard in new[] { updates.Take(4), updates.Skip(4), [] })
        {
            using var combiner = aggregator.CreatePartial(Schema);
            await combiner.AddUpdatesAsync(Weighted([.. shard]));
            using var partial = new MemoryStream();
            await combiner.WriteAsync(partial);
            partials.Add(partial.ToArray());
        }

        byte[]? state = null;
        for (var round = 1; round <= 2; round++)
        {
            var (streamingModel, streamingState) = await ReduceAsync(aggregator, PartialOptions.Streaming, partials, global, state);
            var (oneShotModel, oneShotState) = await ReduceAsync(aggregator, PartialOptions.AllAtOnce, partials, global, state);
            Assert.Equal(streamingModel, oneShotModel);
            Assert.Equal(streamingState, oneShotState);
            (global, state) = (oneShotModel, oneShotState.Length > 0 ? oneShotState : null);
        }
    }

    [Fact]
    public async Task A_bad_value_in_a_held_input_fails_every_read_of_the_sum_and_names_the_input()
    {
        var updates = Updates(seed: 34, count: 4);

        // Deep in the last large tensor: tiles before it were already written out.
        var poisoned = Poisoned(seed: 35, "c", 69_000, double.NaN);
        using var sum = new WeightedSumAccumulator(Schema, PartialOptions.AllAtOnce);
        Assert.Empty(await sum.AddUpdatesAsync([.. Weighted(updates), new WeightedUpdate(TestModels.Source(poisoned.ToBytes(), "poisoned"), 5)]));

        var write = await Assert.ThrowsAsync<InvalidDataException>(() => sum.WriteAsync(new MemoryStream()));
        Assert.Contains("'poisoned' cannot be aggregated: tensor 'c' contains NaN or infinite values", write.Message, StringComparison.Ordinal);
        var reduce = await Assert.ThrowsAsync<InvalidDataException>(() => Aggregators.Create("fedavg").ReduceAsync(sum, new ReduceContext { ModelOutput = new MemoryStream() }));
        Assert.Equal(write.Message, reduce.Message);
        await Assert.ThrowsAsync<InvalidDataException>(() => sum.AddUpdatesAsync(Weighted(Updates(seed: 36, count: 1))));
    }

    [Fact]
    public async Task More_inputs_after_the_first_call_fold_the_held_ones_first_and_give_the_streaming_sum()
    {
        var updates = Updates(seed: 37, count: 6);
        var all = Weighted(updates);
        using var streaming = new WeightedSumAccumulator(Schema);
        Assert.Empty(await streaming.AddUpdatesAsync(all));

        using var oneShot = new WeightedSumAccumulator(Schema, PartialOptions.AllAtOnce);
        Assert.Empty(await oneShot.AddUpdatesAsync(all[..3]));
        var rejected = await oneShot.AddUpdatesAsync([.. all[3..], all[0]]);
        Assert.Contains("already aggregated", Assert.Single(rejected).Reason, StringComparison.Ordinal);
        Assert.Equal(await WriteAsync(streaming), await WriteAsync(oneShot));
    }

    [Fact]
    public async Task Forward_only_inputs_are_folded_when_added_so_their_bad_values_are_still_rejections()
    {
        var updates = Updates(seed: 38, count: 3);
        var poisoned = Poisoned(seed: 39, "a", 10, double.PositiveInfinity);
        using var sum = new WeightedSumAccumulator(Schema, PartialOptions.AllAtOnce);
        var rejected = await sum.AddUpdatesAsync([
            .. Weighted(updates),
            new WeightedUpdate(TestModels.ForwardOnlySource(poisoned.ToBytes(), "streamed"), 2),
        ]);

        Assert.Equal("streamed", Assert.Single(rejected).Id);
        using var streaming = new WeightedSumAccumulator(Schema);
        await streaming.AddUpdatesAsync(Weighted(updates));
        Assert.Equal(await WriteAsync(streaming), await WriteAsync(sum));
    }

    private static SafetensorsHeader Schema { get; } = SafetensorsHeader.Create(Layout);

    private static List<(TestModels.Model Model, double Weight)> Updates(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => (TestModels.Random(random, Layout), (double)random.Next(1, 1000)))];
    }

    private static TestModels.Model Poisoned(int seed, string tensor, int index, double value)
    {
        var model = TestModels.Random(new Random(seed), Layout);
        model.Values[tensor][index] = value;
        return model;
    }

    private static WeightedUpdate[] Weighted(List<(TestModels.Model Model, double Weight)> updates) =>
        [.. updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"u{i}"), u.Weight))];

    private static async Task<(byte[] Model, byte[] State)> ReduceAsync(IAggregator aggregator, PartialOptions options, List<byte[]> partials, byte[] global, byte[]? state)
    {
        using var merged = aggregator.CreatePartial(Schema, options);
        Assert.Empty(await merged.AddPartialsAsync([.. partials.Select((p, i) => TestModels.Source(p, $"shard{i}"))]));
        using var model = new MemoryStream();
        using var stateOut = new MemoryStream();
        await aggregator.ReduceAsync(merged, new ReduceContext
        {
            ModelOutput = model,
            GlobalModel = TestModels.Source(global, "global"),
            OptimizerState = state is null ? null : TestModels.Source(state, "state"),
            OptimizerStateOutput = stateOut,
        });
        return (model.ToArray(), stateOut.ToArray());
    }

    private static async Task<byte[]> WriteAsync(WeightedSumAccumulator sum)
    {
        using var stream = new MemoryStream();
        await sum.WriteAsync(stream);
        return stream.ToArray();
    }
}
