using FedN.Contracts.Federation;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Tests;

/// <summary>Whole sessions on the local runner, with real stores, real transfers and simulated clients.</summary>
public sealed class ReducerSessionTests
{
    [Fact]
    public async Task A_session_commits_one_model_per_round_equal_to_fedavg_of_the_updates()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = new SessionConfig { Rounds = 3, Shards = 2, MinClients = 3, RoundTimeout = TimeSpan.FromSeconds(30), KeepRounds = 1 };
        await federation.CreateSessionAsync("s1", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s1");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        Assert.Equal(3, outcome.CompletedRounds);
        var trail = await federation.Metadata.Models.GetTrailAsync(outcome.ModelId);
        Assert.Equal(["s1-round-3", "s1-round-2", "s1-round-1", "s1-seed"], trail.Select(model => model.Id));

        // FedAvg: each round adds the example-weighted mean of the clients' deltas.
        string[] clients = ["c1", "c2", "c3"];
        await federation.AssertShiftedFromSeedAsync("s1-seed", outcome.ModelId, Enumerable.Range(1, 3).Sum(round => SimulatedClients.FedAvgShift(clients, round)));

        var session = (await federation.Metadata.Sessions.GetAsync("s1"))!.Value;
        Assert.Equal((SessionStatus.Completed, 3, "s1-round-3"), (session.Status, session.CompletedRounds, session.CurrentModelId));
        var rounds = (await federation.Metadata.Rounds.ListAsync("s1", PageRequest.First)).Items.Select(item => item.Value).ToList();
        Assert.All(rounds, round =>
        {
            Assert.Equal(RoundStatus.Committed, round.Status);
            Assert.Equal((3, 3L, 3L, 0L), (round.AssignedClients, round.UpdatesReceived, round.UpdatesAggregated, round.UpdatesRejected));
            Assert.Equal([2, 1], round.Shards.Select(shard => shard.Expected));
            Assert.All(round.Shards, shard =>
            {
                // Each combiner records when its updates arrived: counts grow to what it aggregated, within the round.
                Assert.NotNull(shard.Arrivals);
                Assert.NotEmpty(shard.Arrivals);
                Assert.Equal(shard.Aggregated, shard.Arrivals[^1].Aggregated);
                Assert.Equal(shard.Arrivals.OrderBy(point => point.At).ThenBy(point => point.Aggregated), shard.Arrivals);
                Assert.True(shard.Arrivals.Zip(shard.Arrivals.Skip(1)).All(pair => pair.First.Aggregated < pair.Second.Aggregated));
                Assert.InRange(shard.Arrivals[0].At, round.StartedAt, round.EndedAt!.Value);
            });
            Assert.Equal(1.0 / round.Round, round.TrainingMetrics!["loss"], 9);
            Assert.True(round.ValidationMetrics!["accuracy"] > 0.5 + (0.1 * round.Round));
        });

        // Retention (keep 1 round): the working data of rounds 1 and 2 is gone, round 3's is kept, models stay.
        Assert.Empty(await ListAsync(federation.FileBlobs, RoundLayout.RoundPrefixOf("s1", 1)));
        Assert.Empty(await ListAsync(federation.FileBlobs, RoundLayout.RoundPrefixOf("s1", 2)));
        Assert.NotEmpty(await ListAsync(federation.FileBlobs, RoundLayout.RoundPrefixOf("s1", 3)));
        Assert.Equal(4, (await ListAsync(federation.FileBlobs, "models/")).Count);
        Assert.Empty(federation.Clients.Errors);
    }

    [Fact]
    public async Task A_report_wakes_its_combiner_at_once_rather_than_at_the_next_poll()
    {
        // A poll of ten minutes: only the arrival signal can close these rounds within the run's minute.
        await using var federation = await LocalFederation.StartAsync(options: LocalFederation.FastOptions with { IntakePollInterval = TimeSpan.FromMinutes(10) });
        var config = new SessionConfig { Rounds = 2, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(5), Validate = false };
        await federation.CreateSessionAsync("woken", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "woken", timeout: TimeSpan.FromMinutes(1));

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var rounds = (await federation.Metadata.Rounds.ListAsync("woken", PageRequest.First)).Items.Select(item => item.Value).ToList();
        Assert.All(rounds, round => Assert.Equal(("expected", 2), (Assert.Single(round.Shards).ClosedBy, round.Shards[0].Aggregated)));
    }

    [Fact]
    public async Task Each_round_records_the_bytes_its_tasks_sent_and_its_updates_brought_and_the_session_and_clients_total_them()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = new SessionConfig { Rounds = 2, Shards = 2, MinClients = 3, RoundTimeout = TimeSpan.FromSeconds(30) };
        string[] clients = ["c1", "c2", "c3"];
        await federation.CreateSessionAsync("s", config, [.. clients.Select(client => (client, ClientBehaviour.Normal))]);
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var sent = clients.ToDictionary(client => client, _ => 0L);
        var uploaded = clients.ToDictionary(client => client, _ => 0L);
        long down = 0, up = 0;
        foreach (var round in (await federation.Metadata.Rounds.ListAsync("s", PageRequest.First)).Items.Select(item => item.Value))
        {
            var input = (await federation.Metadata.Models.GetAsync(round.InputModelId))!.Value.SizeBytes;
            var output = (await federation.Metadata.Models.GetAsync(round.OutputModelId!))!.Value.SizeBytes;
            var layout = new RoundLayout("s", round.Round, round.Attempt);
            var updates = new Dictionary<string, long>();
            foreach (var client in clients)
            {
                updates[client] = (await federation.Blobs.GetPropertiesAsync(layout.Update(client)))!.Length;
                sent[client] += input + output;
                uploaded[client] += updates[client];
            }

            // Every client was sent the round's model to train and the new one to validate.
            var traffic = round.Traffic!;
            Assert.Equal((input, 3 * input, 3 * output, updates.Values.Sum()), (traffic.ModelBytes, traffic.TrainingBytesDown, traffic.ValidationBytesDown, traffic.BytesUp));
            Assert.Equal(traffic.BytesUp, round.Shards.Sum(shard => shard.BytesUp));
            Assert.All(round.Shards, shard => Assert.True(shard.BytesUp > 0, $"shard {shard.Shard} read no bytes"));
            down += traffic.BytesDown;
            up += traffic.BytesUp;
        }

        Assert.Equal(new SessionTraffic(down, up, 2, 1), (await federation.Metadata.Sessions.GetAsync("s"))!.Value.Traffic);
        foreach (var client in clients)
        {
            var record = (await federation.Metadata.Clients.GetAsync(client))!.Value;
            Assert.Equal((sent[client], uploaded[client]), (record.BytesDown, record.BytesUp));
        }
    }

    [Fact]
    public async Task FedAdam_keeps_its_optimizer_state_across_rounds_and_retention_keeps_only_the_latest()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = new SessionConfig { Rounds = 3, Aggregator = "fedadam", MinClients = 2, Validate = false, KeepRounds = 0 };
        await federation.CreateSessionAsync("adam", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "adam");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var states = await ListAsync(federation.FileBlobs, "sessions/adam/optimizer/");
        Assert.Equal([RoundLayout.OptimizerState("adam", 3)], states);
        Assert.Empty(await ListAsync(federation.FileBlobs, "sessions/adam/rounds/"));
        var seed = await federation.ReadModelAsync("adam-seed");
        var final = await federation.ReadModelAsync(outcome.ModelId);
        Assert.True(final.Zip(seed).All(pair => pair.First > pair.Second), "three FedAdam steps along positive deltas move every parameter up");
    }

    internal static async Task<List<string>> ListAsync(IBlobStore blobs, string prefix)
    {
        List<string> paths = [];
        await foreach (var blob in blobs.ListAsync(prefix))
        {
            paths.Add(blob.Path);
        }

        return paths;
    }
}
