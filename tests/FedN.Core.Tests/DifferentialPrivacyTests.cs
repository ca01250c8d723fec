using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Core.Aggregation.Privacy;
using FedN.Core.Aggregation.Strategies;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

/// <summary>The Gaussian mechanism of DP-FedAvg and its RDP accountant, against independent references and published values.</summary>
public sealed class DifferentialPrivacyTests
{
    private static readonly List<TensorDeclaration> Layout = [new("w", DType.F64, [20_000]), new("b", DType.F32, [10])];

    [Fact]
    public async Task Without_noise_it_is_the_equal_weight_mean_whatever_the_clients_claim()
    {
        var random = new Random(1);
        var global = TestModels.Random(random, Layout);
        var updates = Enumerable.Range(0, 5).Select(_ => TestModels.Random(random, Layout)).ToList();
        var result = await ReduceAsync(new DpFedAvgAggregator(clipNorm: 1, noiseMultiplier: 0, seed: 1), global.Header, updates, round: 1);
        var expected = TestModels.ReferenceMean([.. updates.Select(u => (u, 1.0))]);
        Assert.True(TestModels.MaxAbsDifference(expected, result) < 1e-6);
    }

    [Fact]
    public async Task The_noise_has_standard_deviation_sigma_c_over_n_and_a_seed_and_round_fix_it()
    {
        var random = new Random(2);
        var global = TestModels.Random(random, Layout);
        var updates = Enumerable.Range(0, 4).Select(_ => TestModels.Random(random, Layout)).ToList();
        var mean = TestModels.ReferenceMean([.. updates.Select(u => (u, 1.0))]);
        var dp = new DpFedAvgAggregator(clipNorm: 2, noiseMultiplier: 1.5, seed: 42);
        var first = await ReduceAsync(dp, global.Header, updates, round: 3);
        var again = await ReduceAsync(dp, global.Header, updates, round: 3);
        var nextRound = await ReduceAsync(dp, global.Header, updates, round: 4);

        var noise = first["w"].Zip(mean["w"], (a, b) => a - b).ToArray();
        var sd = Math.Sqrt(noise.Select(x => x * x).Average());
        Assert.Equal(1.5 * 2 / 4, dp.NoiseStandardDeviation(4));
        Assert.InRange(sd, 0.75 * 0.98, 0.75 * 1.02); // 20,000 samples: the estimate is within 1% at 1σ
        Assert.InRange(Math.Abs(noise.Average()), 0, 0.75 * 4 / Math.Sqrt(noise.Length));
        Assert.Equal(0, TestModels.MaxAbsDifference(first, again));
        Assert.True(TestModels.MaxAbsDifference(first, nextRound) > 0.1, "two rounds drew the same noise");
    }

    [Fact]
    public void The_strategy_needs_its_clipping_norm_and_noise_and_reports_them_as_its_defence()
    {
        var strategy = Aggregators.Get("dp-fedavg");
        var error = Assert.Throws<ArgumentException>(() => strategy.Create(AggregatorHyperparameters.Of(("noiseMultiplier", 1))));
        Assert.StartsWith("dp-fedavg needs clipNorm", error.Message, StringComparison.Ordinal);
        var values = AggregatorHyperparameters.Of(("clipNorm", 5), ("noiseMultiplier", 1.1));
        Assert.Equal(5, strategy.Create(values).ClipNorm);
        Assert.Equal("central DP, clipping at 5, noise σ 1.1", strategy.Defence(values));
        Assert.True(strategy.IsLinear);
    }

    // tensorflow/privacy, privacy/analysis/rdp_accountant_test.py: compute_rdp(q, noise_multiplier, steps, orders).
    [Theory]
    [InlineData(0.1, 2.0, 10, 5, 0.07737, 1e-5)]
    [InlineData(0.01, 2.5, 50, 5, 0.00218075, 1e-6)]
    [InlineData(0.01, 2.5, 50, 50, 0.023846, 1e-5)]
    [InlineData(0.01, 2.5, 50, 100, 167.416307, 1e-5)]
    [InlineData(1.0, 10.0, 1, 20, 0.1, 1e-15)]
    [InlineData(0.0, 10.0, 1, 20, 0.0, 0)]
    public void Rdp_matches_tensorflow_privacys_published_values(double q, double sigma, int steps, int order, double expected, double tolerance) =>
        Assert.Equal(expected, RdpAccountant.Rdp(q, sigma, steps, order), tolerance);

    [Fact]
    public void Epsilon_matches_tensorflow_privacys_published_value_and_order()
    {
        // rdp_accountant_test.py, test_get_privacy_spent_check_target_delta: orders 2..32, q 0.01, σ 4, 10,000 steps, δ 1e-5.
        var (epsilon, order) = RdpAccountant.Epsilon(0.01, 4, 10_000, 1e-5, [.. Enumerable.Range(2, 31)]);
        Assert.Equal(1.258575, epsilon, 1e-6);
        Assert.Equal(20, order);
    }

    [Fact]
    public void Without_sampling_epsilon_is_the_gaussian_mechanisms_closed_form()
    {
        // RDP of T Gaussian releases at sensitivity 1 is Tα/(2σ²); minimise Tα/(2σ²) + log(1/δ)/(α − 1) over integers by brute force.
        var (sigma, rounds, delta) = (1.1, 20, 1e-5);
        var expected = Enumerable.Range(2, 255).Min(a => (rounds * a / (2 * sigma * sigma)) + (Math.Log(1 / delta) / (a - 1)));
        var spent = ((DpFedAvgStrategy)Aggregators.Get("dp-fedavg")).PrivacySpent(AggregatorHyperparameters.Of(("clipNorm", 1), ("noiseMultiplier", sigma)), rounds);
        Assert.Equal(expected, spent.Epsilon, 1e-12);
        Assert.Equal(1e-5, spent.Delta);
        Assert.True(RdpAccountant.Epsilon(0.1, sigma, rounds, delta).Epsilon < spent.Epsilon, "sampling did not amplify privacy");
    }

    private static async Task<Dictionary<string, double[]>> ReduceAsync(DpFedAvgAggregator aggregator, SafetensorsHeader schema, List<TestModels.Model> updates, int round)
    {
        var partial = aggregator.CreatePartial(schema);
        Assert.Empty(await partial.AddUpdatesAsync([.. updates.Select((u, i) => new WeightedUpdate(TestModels.Source(u.ToBytes(), $"c{i}"), 1000 * (i + 1)))]));
        var output = new MemoryStream();
        await aggregator.ReduceAsync(partial, new ReduceContext { ModelOutput = output, Round = round });
        output.Position = 0;
        return await TestModels.ReadAllAsync(output);
    }
}
