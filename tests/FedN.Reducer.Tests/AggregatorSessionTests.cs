using FedN.Contracts.Federation;

namespace FedN.Reducer.Tests;

/// <summary>Every registered kind of aggregator through whole sessions: two combiners give the model one gives.</summary>
public sealed class AggregatorSessionTests
{
    private static readonly string[] Five = ["c1", "c2", "c3", "c4", "c5"];

    /// <summary>Each client moves every parameter by <see cref="SimulatedClients.Delta"/>: c1 by 0.02 a round … c5 by 0.06.</summary>
    public static TheoryData<string, AggregatorHyperparameters, double> Cases => new()
    {
        { "median", new AggregatorHyperparameters(), 0.04 }, // c3's
        { "trimmed-mean", AggregatorHyperparameters.Of(("beta", 0.2)), 0.04 }, // mean of c2, c3, c4
        { "krum", AggregatorHyperparameters.Of(("byzantine", 1)), double.NaN }, // c2, c3 and c4 tie as nearest their neighbours: one of them
        { "multi-krum", AggregatorHyperparameters.Of(("byzantine", 1), ("selected", 3)), ((120 * 0.03) + (130 * 0.04) + (140 * 0.05)) / 390 },
        { "dp-fedavg", AggregatorHyperparameters.Of(("clipNorm", 100), ("noiseMultiplier", 0), ("seed", 7)), 0.04 }, // equal weights
        { "fedavg", new AggregatorHyperparameters(), Five.Sum(c => SimulatedClients.Examples(c) * (double)SimulatedClients.Delta(c, 1)) / Five.Sum(SimulatedClients.Examples) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_session_gives_the_same_model_with_two_combiners_as_with_one(string aggregator, AggregatorHyperparameters hyperparameters, double shiftPerRound)
    {
        var models = new List<float[]>();
        foreach (var shards in new[] { 1, 2 })
        {
            await using var federation = await LocalFederation.StartAsync();
            var config = new SessionConfig { Rounds = 2, Shards = shards, MinClients = 5, Aggregator = aggregator, Hyperparameters = hyperparameters, RoundTimeout = TimeSpan.FromSeconds(30), Validate = false };
            await federation.CreateSessionAsync("s", config, [.. Five.Select(c => (c, ClientBehaviour.Normal))]);
            await using var runner = federation.NewRunner();
            var outcome = await federation.RunSessionAsync(runner, "s");
            Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
            models.Add(await federation.ReadModelAsync(outcome.ModelId));
            if (double.IsNaN(shiftPerRound))
            {
                var seed = await federation.ReadModelAsync("s-seed");
                Assert.All(models[^1].Zip(seed, (a, b) => a - b), shift => Assert.InRange(shift, (0.03 * 3) - 1e-5, (0.05 * 3) + 1e-5));
            }
            else
            {
                await federation.AssertShiftedFromSeedAsync("s-seed", outcome.ModelId, shiftPerRound * 3); // rounds 1 and 2: 1 + 2 times the per-round shift
            }

            Assert.Empty(federation.Clients.Errors);
        }

        // Robust rules read the same updates in the same order whatever the shards; sums differ by float32 rounding at most.
        var tolerance = aggregator is "fedavg" or "dp-fedavg" ? 1e-6 : 0;
        Assert.True(models[0].Zip(models[1], (a, b) => Math.Abs(a - b)).Max() <= tolerance);
    }

    [Fact]
    public async Task Dp_fedavg_noise_comes_from_the_plans_secret_seed_and_a_noised_session_still_completes()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = new SessionConfig { Rounds = 1, MinClients = 5, Aggregator = "dp-fedavg", Hyperparameters = AggregatorHyperparameters.Of(("clipNorm", 0.1), ("noiseMultiplier", 1)), RoundTimeout = TimeSpan.FromSeconds(30), Validate = false };
        await federation.CreateSessionAsync("s", config, [.. Five.Select(c => (c, ClientBehaviour.Normal))]);
        await using var runner = federation.NewRunner();
        var outcome = await federation.RunSessionAsync(runner, "s");
        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);

        // Clipped to 0.1 over 2080 parameters, each client moved every parameter by 0.1/√2080 at most; the noise's σ·C/n is 0.02.
        var seed = await federation.ReadModelAsync("s-seed");
        var model = await federation.ReadModelAsync(outcome.ModelId);
        var moved = model.Zip(seed, (a, b) => (double)(a - b)).ToArray();
        var sd = Math.Sqrt(moved.Select(x => x * x).Average());
        Assert.InRange(sd, 0.018, 0.022);
    }
}
