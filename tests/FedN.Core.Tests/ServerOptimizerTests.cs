using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public class ServerOptimizerTests
{
    // "big" spans three of the aggregator's chunks, so the state file's layout is exercised across chunk boundaries.
    private static readonly List<TensorDeclaration> Layout = [new("w", DType.F64, [300]), new("b", DType.F32, [40]), new("big", DType.F64, [70_000])];

    [Theory]
    [InlineData("fedavg")]
    [InlineData("fedavgm")]
    [InlineData("fedadam")]
    [InlineData("fedyogi")]
    [InlineData("fedadagrad")]
    public async Task Three_rounds_with_state_saved_and_reloaded_match_the_paper_formulas(string method)
    {
        var random = new Random(method.Length);
        var all = AggregatorHyperparameters.Of(("serverLearningRate", 0.05), ("beta1", 0.8), ("beta2", 0.95), ("tau", 1e-2), ("momentum", 0.7));
        var takes = Aggregators.Get(method).Hyperparameters.Select(h => h.Name).ToHashSet();
        var aggregator = Aggregators.Create(method, new AggregatorHyperparameters(all.Where(h => takes.Contains(h.Key))));
        var hyper = all;
        using var dir = new TempDirectory();
        var global = TestModels.Random(random, Layout);
        var globalPath = global.WriteTo(dir.Path, "round0.safetensors");
        var statePath = (string?)null;
        var reference = new Reference(method, hyper, global.Values);

        for (var round = 1; round <= 3; round++)
        {
            var updates = Enumerable.Range(0, 4).Select(_ => (Model: TestModels.Random(random, Layout), Weight: (double)random.Next(1, 100))).ToList();
            var partial = aggregator.CreatePartial(global.Header);
            await partial.AddUpdatesAsync([.. updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"c{i}"), u.Weight))]);

            var nextPath = Path.Combine(dir.Path, $"round{round}.safetensors");
            var nextStatePath = Path.Combine(dir.Path, $"state{round}.safetensors");
            await using (var modelOut = File.Create(nextPath))
            await using (var stateOut = File.Create(nextStatePath))
            {
                var result = await aggregator.ReduceAsync(partial, new ReduceContext
                {
                    ModelOutput = modelOut,
                    GlobalModel = ModelSource.FromFile(globalPath),
                    OptimizerState = statePath is null ? null : ModelSource.FromFile(statePath),
                    OptimizerStateOutput = stateOut,
                });
                Assert.Equal(4, result.Count);
                Assert.Equal(method is "fedavg" ? 0 : round, result.OptimizerStep);
            }

            reference.Step(TestModels.ReferenceMean(updates));
            await using var reader = SafetensorsReader.OpenFile(nextPath);
            var actual = await TestModels.ReadAllAsync(reader);
            Assert.True(MaxAbs(reference.X["w"], actual["w"]) < 1e-9, $"round {round} F64: {MaxAbs(reference.X["w"], actual["w"])}");
            Assert.True(MaxAbs(reference.X["big"], actual["big"]) < 1e-9, $"round {round} F64 over several chunks: {MaxAbs(reference.X["big"], actual["big"])}");
            Assert.True(MaxAbs(reference.X["b"], actual["b"]) < 1e-5, $"round {round} F32: {MaxAbs(reference.X["b"], actual["b"])}");
            Assert.Equal(method, reader.Header.Metadata["fedn.aggregator"]);

            (globalPath, statePath) = (nextPath, method is "fedavg" ? null : nextStatePath);
            reference.X["b"] = actual["b"];
        }
    }

    [Fact]
    public async Task FedAvgM_without_momentum_at_unit_rate_equals_FedAvg()
    {
        var random = new Random(5);
        var global = TestModels.Random(random, Layout);
        var updates = Enumerable.Range(0, 3).Select(i => new WeightedUpdate(TestModels.Source(TestModels.Random(random, Layout).ToBytes(), $"c{i}"), i + 1)).ToList();
        var plain = await ReduceOnceAsync(Aggregators.Create("fedavg"), global, updates);
        var momentum = await ReduceOnceAsync(Aggregators.Create("fedavgm", AggregatorHyperparameters.Of(("momentum", 0), ("serverLearningRate", 1))), global, updates);
        Assert.True(TestModels.MaxAbsDifference(plain, momentum) < 1e-6);
    }

    [Fact]
    public async Task State_from_another_optimizer_or_model_is_refused()
    {
        var random = new Random(6);
        using var dir = new TempDirectory();
        var global = TestModels.Random(random, Layout);
        var globalPath = global.WriteTo(dir.Path, "g.safetensors");
        var update = new WeightedUpdate(TestModels.Source(TestModels.Random(random, Layout).ToBytes(), "c"), 1);

        var yogi = Aggregators.Create("fedyogi");
        var partial = yogi.CreatePartial(global.Header);
        await partial.AddUpdatesAsync([update]);
        var statePath = dir.File("state.safetensors");
        await using (var state = File.Create(statePath))
        {
            await yogi.ReduceAsync(partial, new ReduceContext { ModelOutput = new MemoryStream(), GlobalModel = ModelSource.FromFile(globalPath), OptimizerStateOutput = state });
        }

        var adam = Aggregators.Create("fedadam");
        var adamPartial = adam.CreatePartial(global.Header);
        await adamPartial.AddUpdatesAsync([update]);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => adam.ReduceAsync(adamPartial, new ReduceContext
        {
            ModelOutput = new MemoryStream(),
            GlobalModel = ModelSource.FromFile(globalPath),
            OptimizerState = ModelSource.FromFile(statePath),
            OptimizerStateOutput = new MemoryStream(),
        }));
        Assert.Contains("written by fedyogi, not fedadam", e.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<ArgumentException>(() => adam.ReduceAsync(adamPartial, new ReduceContext { ModelOutput = new MemoryStream() }));
        Assert.Contains("needs the current global model", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedmedian")]
    [InlineData("")]
    public void Unknown_aggregators_name_the_known_ones(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Aggregators.Create(name));
        Assert.Contains("fedadam", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hyperparameters_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Aggregators.Create("fedadam", AggregatorHyperparameters.Of(("beta1", 1.0))));
        Assert.Throws<ArgumentException>(() => Aggregators.Create("fedadam", AggregatorHyperparameters.Of(("tau", 0))));
        Assert.Throws<ArgumentException>(() => Aggregators.Create("fedavg", AggregatorHyperparameters.Of(("serverLearningRate", double.NaN))));
    }

    private static async Task<Dictionary<string, double[]>> ReduceOnceAsync(IAggregator aggregator, TestModels.Model global, List<WeightedUpdate> updates)
    {
        var partial = aggregator.CreatePartial(global.Header);
        await partial.AddUpdatesAsync(updates);
        using var output = new MemoryStream();
        await aggregator.ReduceAsync(partial, new ReduceContext
        {
            ModelOutput = output,
            GlobalModel = TestModels.Source(global.ToBytes(), "global"),
            OptimizerStateOutput = new MemoryStream(),
        });
        output.Position = 0;
        return await TestModels.ReadAllAsync(output);
    }

    private static double MaxAbs(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    /// <summary>Reddi et al. (2021), Algorithm 2, and FedAvgM, written out per element in double precision.</summary>
    private sealed class Reference(string method, AggregatorHyperparameters h, Dictionary<string, double[]> initial)
    {
        private readonly Dictionary<string, double[]> _m = initial.ToDictionary(p => p.Key, p => new double[p.Value.Length]);
        private readonly Dictionary<string, double[]> _v = initial.ToDictionary(p => p.Key, p => Enumerable.Repeat(h["tau"] * h["tau"], p.Value.Length).ToArray());

        public Dictionary<string, double[]> X { get; } = initial.ToDictionary(p => p.Key, p => (double[])p.Value.Clone());

        public void Step(Dictionary<string, double[]> mean)
        {
            var (eta, b1, b2, tau, beta) = (h["serverLearningRate"], h["beta1"], h["beta2"], h["tau"], h["momentum"]);
            foreach (var (name, x) in X)
            {
                var (m, v) = (_m[name], _v[name]);
                for (var i = 0; i < x.Length; i++)
                {
                    var delta = mean[name][i] - x[i];
                    switch (method)
                    {
                        case "fedavg":
                            x[i] += eta * delta;
                            break;
                        case "fedavgm":
                            m[i] = (beta * m[i]) + delta;
                            x[i] += eta * m[i];
                            break;
                        default:
                            m[i] = (b1 * m[i]) + ((1 - b1) * delta);
                            var d2 = delta * delta;
                            v[i] = method switch
                            {
                                "fedadagrad" => v[i] + d2,
                                "fedyogi" => v[i] - ((1 - b2) * d2 * Math.Sign(v[i] - d2)),
                                _ => (b2 * v[i]) + ((1 - b2) * d2),
                            };
                            x[i] += eta * m[i] / (Math.Sqrt(v[i]) + tau);
                            break;
                    }
                }
            }
        }
    }
}
