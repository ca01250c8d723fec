using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Core.Aggregation.Robust;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

/// <summary>Median, trimmed mean, Krum and Multi-Krum against naive float64 references, in one stage and across combiners.</summary>
public sealed class RobustAggregatorTests
{
    private static readonly List<TensorDeclaration> Layout = [new("w", DType.F32, [37, 11]), new("b", DType.F64, [5]), new("h", DType.F16, [300])];

    public static TheoryData<string, int> Cases => new()
    {
        { "median", 1 }, { "median", 6 }, { "median", 7 }, { "median", 41 }, { "median", 60 },
        { "trimmed-mean", 5 }, { "trimmed-mean", 8 }, { "trimmed-mean", 50 },
        { "krum", 5 }, { "krum", 9 },
        { "multi-krum", 7 }, { "multi-krum", 10 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_rule_equals_its_float64_reference_in_one_stage_and_across_three_combiners(string method, int n)
    {
        var random = new Random(method.Length * 31 + n);
        var hyper = method switch
        {
            "trimmed-mean" => AggregatorHyperparameters.Of(("beta", 0.25)),
            "krum" => AggregatorHyperparameters.Of(("byzantine", (n - 3) / 2)),
            "multi-krum" => AggregatorHyperparameters.Of(("byzantine", 2), ("selected", 3)),
            _ => new AggregatorHyperparameters(),
        };
        var global = TestModels.Random(random, Layout);
        var updates = Enumerable.Range(0, n).Select(_ => (Model: TestModels.Random(random, Layout), Weight: (double)random.Next(1, 50))).ToList();
        if (n > 2)
        {
            updates[1] = updates[0]; // ties: two clients send the same values
        }

        var expected = Reference(method, hyper, updates);
        using var dir = new TempDirectory();
        var paths = updates.Select((u, i) => u.Model.WriteTo(dir.Path, $"u{i:00}.safetensors")).ToList();

        // One stage, sources in memory (they are staged to files), with tiles small enough that every tensor spans several.
        var aggregator = (RobustAggregator)Aggregators.Create(method, hyper);
        aggregator.MemoryBudget = 256 * sizeof(double) * n;
        var flat = await ReduceAsync(aggregator, global.Header, updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.Model.ToBytes(), $"c{i:00}"), u.Weight)).ToList());
        Assert.True(TestModels.MaxAbsDifference(expected, flat) <= Tolerance(expected), $"{method} n={n}: off by {TestModels.MaxAbsDifference(expected, flat)}");

        // Three combiners each index a share of the files; the reduce step resolves them by location.
        List<string> partialPaths = [];
        for (var shard = 0; shard < 3; shard++)
        {
            var partial = aggregator.CreatePartial(global.Header);
            await partial.AddUpdatesAsync([.. Enumerable.Range(0, n).Where(i => i % 3 == shard).Select(i => new WeightedUpdate(ModelSource.FromFile(paths[i], $"c{i:00}"), updates[i].Weight))]);
            var partialPath = Path.Combine(dir.Path, $"partial{shard}.safetensors");
            await using (var file = File.Create(partialPath))
            {
                await partial.WriteAsync(file);
            }

            partialPaths.Add(partialPath);
        }

        var merged = aggregator.CreatePartial(global.Header);
        Assert.Empty(await merged.AddPartialsAsync([.. partialPaths.Select(p => ModelSource.FromFile(p))]));
        var sharded = await ReduceAsync(aggregator, merged, path => ModelSource.FromFile(path));
        Assert.Equal(0, TestModels.MaxAbsDifference(flat, sharded));
    }

    [Fact]
    public async Task A_nan_update_is_refused_when_indexed_and_never_reaches_the_median()
    {
        var random = new Random(3);
        var global = TestModels.Random(random, Layout);
        var updates = Enumerable.Range(0, 4).Select(_ => TestModels.Random(random, Layout)).ToList();
        var poisoned = TestModels.Random(random, Layout);
        poisoned.Values["h"][299] = double.NaN;
        var aggregator = Aggregators.Create("median");
        var partial = aggregator.CreatePartial(global.Header);
        var refused = await partial.AddUpdatesAsync([.. updates.Append(poisoned).Select((u, i) => new WeightedUpdate(TestModels.Source(u.ToBytes(), $"c{i}"), 1))]);

        var rejection = Assert.Single(refused);
        Assert.Equal("c4", rejection.Id);
        Assert.Contains("tensor 'h' holds NaN or infinite values", rejection.Reason, StringComparison.Ordinal);
        var result = await ReduceAsync(aggregator, partial);
        Assert.Equal(0, TestModels.MaxAbsDifference(Reference("median", new(), [.. updates.Select(u => (u, 1.0))]), result), 3);
    }

    [Theory]
    [InlineData(0.0, 9)]
    [InlineData(0.499, 9)]
    [InlineData(0.2, 4)]
    public async Task Trimmed_mean_at_its_limits_is_the_mean_and_the_median(double beta, int n)
    {
        var random = new Random(n);
        var global = TestModels.Random(random, [new("x", DType.F64, [64])]);
        var updates = Enumerable.Range(0, n).Select(_ => (TestModels.Random(random, [new("x", DType.F64, [64])]), 1.0)).ToList();
        var trimmed = new TrimmedMeanAggregator(beta);
        var result = await ReduceAsync(trimmed, global.Header, updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.Item1.ToBytes(), $"c{i}"), 1)).ToList());
        var expected = trimmed.Trimmed(n) switch
        {
            0 => TestModels.ReferenceMean(updates),
            var cut when cut == (n - 1) / 2 => Reference("median", new(), updates),
            _ => Reference("trimmed-mean", AggregatorHyperparameters.Of(("beta", beta)), updates),
        };
        Assert.True(TestModels.MaxAbsDifference(expected, result) < 1e-12);
        Assert.Equal(beta == 0.499 ? 4 : (int)Math.Floor(beta * n), trimmed.Trimmed(n));
    }

    [Fact]
    public async Task Krum_at_its_limit_of_f_works_and_one_update_fewer_is_refused_with_the_count()
    {
        var random = new Random(11);
        var global = TestModels.Random(random, Layout);
        var krum = new KrumAggregator(byzantine: 2, selected: 1);
        Assert.Equal(7, krum.MinimumUpdates);
        var updates = Enumerable.Range(0, 7).Select(i => TestModels.Random(random, Layout, scale: i == 3 ? 100 : 1)).ToList();
        var result = await ReduceAsync(krum, global.Header, updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.ToBytes(), $"c{i}"), 1)).ToList());
        Assert.True(TestModels.MaxAbsDifference(Reference("krum", AggregatorHyperparameters.Of(("byzantine", 2)), [.. updates.Select(u => (u, 1.0))]), result) <= 1e-3);

        var partial = krum.CreatePartial(global.Header);
        await partial.AddUpdatesAsync([.. updates.Take(6).Select((u, i) => new WeightedUpdate(TestModels.Source(u.ToBytes(), $"c{i}"), 1))]);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => krum.ReduceAsync(partial, new ReduceContext { ModelOutput = new MemoryStream() }));
        Assert.Equal("krum needs at least 7 updates; the round has 6", error.Message);
    }

    [Fact]
    public async Task Krum_leaves_out_scaled_updates_that_fedavg_follows()
    {
        var random = new Random(5);
        var layout = new List<TensorDeclaration> { new("x", DType.F32, [200]) };
        var global = TestModels.Random(random, layout);
        var honest = Enumerable.Range(0, 8).Select(_ => TestModels.Random(random, layout, scale: 0.1)).ToList();
        var attackers = Enumerable.Range(0, 2).Select(_ => TestModels.Random(random, layout, scale: 50)).ToList();
        var all = honest.Concat(attackers).Select((u, i) => new WeightedUpdate(TestModels.Source(u.ToBytes(), $"c{i}"), 1)).ToList();
        var multiKrum = new KrumAggregator(byzantine: 2, selected: 4);
        var result = await ReduceAsync(multiKrum, global.Header, all);
        Assert.True(result["x"].Max(Math.Abs) < 0.1, "Multi-Krum averaged an attacker in");
    }

    [Fact]
    public async Task A_partial_naming_an_update_twice_or_written_by_fedavg_is_refused()
    {
        var random = new Random(2);
        var global = TestModels.Random(random, Layout);
        using var dir = new TempDirectory();
        var update = TestModels.Random(random, Layout).WriteTo(dir.Path, "u.safetensors");
        var median = Aggregators.Create("median");
        var index = median.CreatePartial(global.Header);
        await index.AddUpdatesAsync([new WeightedUpdate(ModelSource.FromFile(update, "c0"), 1)]);
        var indexPath = Path.Combine(dir.Path, "index.safetensors");
        await using (var file = File.Create(indexPath))
        {
            await index.WriteAsync(file);
        }

        var sum = Aggregators.Create("fedavg").CreatePartial(global.Header);
        await sum.AddUpdatesAsync([new WeightedUpdate(ModelSource.FromFile(update, "c0"), 1)]);
        var sumPath = Path.Combine(dir.Path, "sum.safetensors");
        await using (var file = File.Create(sumPath))
        {
            await sum.WriteAsync(file);
        }

        var merged = median.CreatePartial(global.Header);
        var refused = await merged.AddPartialsAsync([ModelSource.FromFile(indexPath, "a"), ModelSource.FromFile(indexPath, "b"), ModelSource.FromFile(sumPath, "s")]);
        Assert.Equal(["b", "s"], refused.Select(r => r.Id));
        Assert.Contains("update 'c0' is in two partials", refused[0].Reason, StringComparison.Ordinal);
        Assert.Contains("written by a linear aggregator", refused[1].Reason, StringComparison.Ordinal);
        Assert.Equal(1, merged.Count);
    }

    private static double Tolerance(Dictionary<string, double[]> expected) => expected.ContainsKey("h") ? 1e-3 : 1e-6; // the f16 tensor: one rounding of values in [-1, 1]

    private static async Task<Dictionary<string, double[]>> ReduceAsync(IAggregator aggregator, SafetensorsHeader schema, List<WeightedUpdate> updates)
    {
        var partial = aggregator.CreatePartial(schema);
        Assert.Empty(await partial.AddUpdatesAsync(updates));
        return await ReduceAsync(aggregator, partial);
    }

    private static async Task<Dictionary<string, double[]>> ReduceAsync(IAggregator aggregator, IPartialAggregator partial, Func<string, ModelSource>? resolve = null)
    {
        var output = new MemoryStream();
        await aggregator.ReduceAsync(partial, new ReduceContext { ModelOutput = output, Resolve = resolve });
        output.Position = 0;
        return await TestModels.ReadAllAsync(output);
    }

    /// <summary>The rules written the obvious way, in float64 over whole models.</summary>
    private static Dictionary<string, double[]> Reference(string method, AggregatorHyperparameters hyper, IReadOnlyList<(TestModels.Model Model, double Weight)> updates)
    {
        var n = updates.Count;
        var names = updates[0].Model.Header.Tensors.Select(t => t.Name).ToList();
        double[] Flat(TestModels.Model m) => [.. names.SelectMany(name => m.Values[name])];
        var flat = updates.Select(u => Flat(u.Model)).ToList();
        double[] result;
        switch (method)
        {
            case "median":
            case "trimmed-mean":
                var cut = method == "median" ? -1 : (int)Math.Floor(hyper["beta"] * n);
                result = new double[flat[0].Length];
                for (var j = 0; j < result.Length; j++)
                {
                    var column = flat.Select(f => f[j]).Order().ToList();
                    result[j] = cut < 0
                        ? (n % 2 == 1 ? column[n / 2] : (column[(n / 2) - 1] + column[n / 2]) / 2)
                        : column.Skip(cut).Take(n - (2 * cut)).Average();
                }

                break;
            default:
                var f = (int)hyper["byzantine"];
                var m = method == "krum" ? 1 : (int)hyper["selected"];
                var scores = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Where(k => k != i)
                    .Select(k => flat[i].Zip(flat[k], (a, b) => (a - b) * (a - b)).Sum()).Order().Take(n - f - 2).Sum()).ToList();
                var chosen = Enumerable.Range(0, n).OrderBy(i => scores[i]).ThenBy(i => i).Take(m).ToList();
                var total = chosen.Sum(i => updates[i].Weight);
                result = new double[flat[0].Length];
                foreach (var i in chosen)
                {
                    for (var j = 0; j < result.Length; j++)
                    {
                        result[j] += flat[i][j] * updates[i].Weight / total;
                    }
                }

                break;
        }

        var output = new Dictionary<string, double[]>();
        var offset = 0;
        foreach (var tensor in updates[0].Model.Header.Tensors)
        {
            output[tensor.Name] = TestModels.RoundTrip(tensor.DType, result[offset..(offset + (int)tensor.ElementCount)]);
            offset += (int)tensor.ElementCount;
        }

        return output;
    }
}

/// <summary>The order statistics behind the median and the trimmed mean, against a full sort.</summary>
public sealed class SelectionTests
{
    [Fact]
    public void The_kth_smallest_and_its_partition_match_a_sort_for_every_size_and_many_ties()
    {
        var random = new Random(9);
        for (var trial = 0; trial < 3000; trial++)
        {
            var n = random.Next(1, 300);
            var values = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0 ? Math.Round(random.NextDouble() * 4) : random.NextDouble()).ToArray();
            var sorted = values.Order().ToArray();
            var k = random.Next(n);
            var work = (double[])values.Clone();
            Assert.Equal(sorted[k], Selection.NthSmallest(work, k));
            Assert.True(work.Take(k).All(v => v <= sorted[k]) && work.Skip(k).All(v => v >= sorted[k]), $"n {n}, k {k}: not partitioned");
            Assert.Equal(sorted, work.Order());
        }
    }
}
