using System.Collections.Concurrent;
using System.Net;
using FedN.Contracts.Federation;
using FedN.Server;
using FedN.Testing;
using FedN.Testing.Shared;

namespace FedN.Client.Tests;

/// <summary>The SDK against the local server over real WebSockets and HTTP on 127.0.0.1: sessions from negotiate to the committed model.</summary>
public sealed class ClientSessionTests
{
    private static readonly SessionConfig TwoRounds = new()
    {
        Rounds = 2,
        RoundTimeout = TimeSpan.FromSeconds(30),
        MinClients = 3,
        QuorumGrace = TimeSpan.FromSeconds(1),
        Validate = true,
    };

    [Fact]
    public async Task Three_sdk_clients_train_two_rounds_and_the_model_is_their_weighted_average()
    {
        await using var server = await RunningServer.StartAsync();
        await using var federation = new ClientFederation(server);
        ConcurrentBag<ClientProgressEventArgs> progress = [];
        for (var i = 1; i <= 3; i++)
        {
            federation.Start($"site-{i}", new ShiftTrainer(shift: i, examples: 100 * i), progress.Add);
        }

        await federation.WaitForOnlineAsync(3);
        var seed = await ShiftTrainer.SeedAsync();
        await federation.StartSessionAsync("s", TwoRounds, seed);
        var session = await federation.WaitForSessionAsync("s", TimeSpan.FromSeconds(90));

        Assert.True(session.Status == SessionStatus.Completed, $"{session.Message}; {string.Join("; ", progress.Where(e => e.Stage is ClientStage.TaskFailed or ClientStage.TaskSkipped).Select(e => e.Message))}");
        using var admin = federation.Admin();
        var trail = await admin.GetModelTrailAsync(session.CurrentModelId!);
        Assert.Equal(["s-round-2", "s-round-1", "s-seed"], trail.Select(model => model.Id));
        var rounds = (await admin.ListRoundsAsync("s")).Items;
        Assert.All(rounds, round =>
        {
            Assert.Equal(3, round.UpdatesAggregated);
            Assert.Equal(0, round.UpdatesRejected);
            Assert.NotNull(round.TrainingMetrics);
        });
        var validations = (await admin.ListValidationsAsync("s")).Items;
        Assert.Equal(6, validations.Count);
        // Example-weighted: (25*0.1 + 50*0.2 + 75*0.3) / 150.
        Assert.Equal(0.2333, rounds[1].ValidationMetrics!["accuracy"], 3);

        var final = new MemoryStream();
        await admin.DownloadModelAsync(session.CurrentModelId!, final);
        var start = await F32Models.ReadAsync(seed);
        var end = await F32Models.ReadAsync(final.ToArray());
        var expected = 2 * ((100.0 * 1) + (200 * 2) + (300 * 3)) / 600;
        Assert.All(Enumerable.Range(0, start.Length), i => Assert.Equal(expected, end[i] - start[i], 4));
        Assert.Equal(12, progress.Count(e => e.Stage == ClientStage.Reported && e.Message == "accepted"));
        Assert.Contains(progress, e => e.Stage == ClientStage.Uploading && e.Bytes > 0);
    }

    [Fact]
    public async Task A_client_whose_trainer_fails_reports_it_and_the_round_fails_at_once_naming_it()
    {
        await using var server = await RunningServer.StartAsync();
        await using var federation = new ClientFederation(server);
        federation.Start("site-1", new ShiftTrainer(shift: 1, examples: 100));
        federation.Start("site-2", new FailingTrainer());
        await federation.WaitForOnlineAsync(2);
        await federation.StartSessionAsync("s", new SessionConfig { Rounds = 1, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(5), QuorumGrace = TimeSpan.FromMinutes(5), Validate = false }, await ShiftTrainer.SeedAsync());

        // Without the report the round would wait out its five-minute deadline.
        var session = await federation.WaitForSessionAsync("s", TimeSpan.FromSeconds(60));
        Assert.Equal(SessionStatus.Failed, session.Status);
        Assert.Contains("no update from site-2 (the client could not train: the trainer exited with code 1: CUDA out of memory)", session.Message, StringComparison.Ordinal);
    }

    private sealed class FailingTrainer : ITrainer
    {
        public Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken) =>
            throw new TrainerException("the trainer exited with code 1: CUDA out of memory");

        public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) =>
            throw new TrainerException("the trainer exited with code 1");
    }

    [Fact]
    public async Task A_client_judges_a_task_deadline_by_its_own_clock_and_skips_a_task_already_past_it()
    {
        await using var server = await RunningServer.StartAsync();
        await using var federation = new ClientFederation(server);
        var trainer = new ShiftTrainer(shift: 1, examples: 100);
        var skipped = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Its clock runs an hour ahead of the server's: every task arrives already past its 10-minute deadline.
        federation.Start("late-site", trainer, e => { if (e.Stage == ClientStage.TaskSkipped) skipped.TrySetResult(e.Message); }, new ClockAhead(TimeSpan.FromHours(1)));
        await federation.WaitForOnlineAsync(1);
        await federation.StartSessionAsync("s", new SessionConfig { Rounds = 1, MinClients = 1, RoundTimeout = TimeSpan.FromMinutes(10), Validate = false }, await ShiftTrainer.SeedAsync());

        var why = await skipped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("deadline", why, StringComparison.Ordinal);
        Assert.Contains("has passed", why, StringComparison.Ordinal);
        Assert.Equal(0, trainer.Trained);
    }

    private sealed class ClockAhead(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }

    [Fact]
    public async Task An_external_process_trainer_joins_through_files_alone()
    {
        await using var server = await RunningServer.StartAsync();
        await using var federation = new ClientFederation(server);
        var script = Path.Combine(server.Options.DataDirectory, "trainer.sh");
        await File.WriteAllTextAsync(script, """
            #!/usr/bin/env bash
            set -euo pipefail
            case "$1" in
              train)    cp "$2" "$3"; echo '{"num_examples": 50, "metrics": {"loss": 0.5}}' > "${3%.safetensors}.json" ;;
              validate) echo '{"numExamples": 10, "metrics": {"accuracy": 0.75}}' > "$3" ;;
            esac
            """);
        federation.Start("python-site", new ProcessTrainer("bash", [script]));
        await federation.WaitForOnlineAsync(1);

        var seed = await ShiftTrainer.SeedAsync();
        await federation.StartSessionAsync("p", TwoRounds with { Rounds = 1, MinClients = 1 }, seed);
        var session = await federation.WaitForSessionAsync("p", TimeSpan.FromSeconds(60));

        Assert.True(session.Status == SessionStatus.Completed, session.Message);
        using var admin = federation.Admin();
        var round = (await admin.ListRoundsAsync("p")).Items.Single();
        Assert.Equal(1, round.UpdatesAggregated);
        Assert.Equal(0.5, round.TrainingMetrics!["loss"]);
        Assert.Equal(0.75, round.ValidationMetrics!["accuracy"]);
        var model = new MemoryStream();
        await admin.DownloadModelAsync(session.CurrentModelId!, model);
        var start = await F32Models.ReadAsync(seed);
        var end = await F32Models.ReadAsync(model.ToArray());
        Assert.All(Enumerable.Range(0, start.Length), i => Assert.Equal(start[i], end[i], 5));
    }

    [Fact]
    public async Task The_python_example_trainer_federates_towards_the_weighted_mean_of_the_clients_data()
    {
        await using var server = await RunningServer.StartAsync();
        await using var federation = new ClientFederation(server);
        var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../examples/python/trainer.py"));
        string[][] data = [["1", "2", "3"], ["10"]];
        for (var i = 0; i < data.Length; i++)
        {
            var file = Path.Combine(server.Options.DataDirectory, $"data-{i}.txt");
            await File.WriteAllLinesAsync(file, data[i]);
            federation.Start($"py-{i}", new ProcessTrainer("python3", [script], environment: new Dictionary<string, string> { ["FEDN_DATA"] = file }));
        }

        await federation.WaitForOnlineAsync(2);
        var seed = await ShiftTrainer.SeedAsync();
        await federation.StartSessionAsync("py", TwoRounds with { MinClients = 2 }, seed);
        var session = await federation.WaitForSessionAsync("py", TimeSpan.FromSeconds(90));

        Assert.True(session.Status == SessionStatus.Completed, session.Message);
        using var admin = federation.Admin();
        var model = new MemoryStream();
        await admin.DownloadModelAsync(session.CurrentModelId!, model);
        var start = await F32Models.ReadAsync(seed);
        var end = await F32Models.ReadAsync(model.ToArray());
        // Each round a client moves every weight 7/8 of the way to its data's mean; FedAvg weighs clients by examples (3 and 1).
        const double target = ((3 * 2.0) + 10) / 4;
        Assert.All(Enumerable.Range(0, start.Length), i => Assert.Equal(target + ((start[i] - target) / 64), end[i], 4));
        var validations = (await admin.ListValidationsAsync("py")).Items;
        Assert.Equal(4, validations.Count);
        Assert.All(validations, validation => Assert.True(validation.Metrics.ContainsKey("meanAbsoluteError")));
    }

    [Fact]
    public async Task Clients_ride_out_a_server_restart_and_the_session_finishes()
    {
        var address = LocalServerOptions.FreeLoopbackUri();
        var directory = Directory.CreateTempSubdirectory("fedn-restart-").FullName;
        var server = await RunningServer.StartAsync(dataDirectory: directory, listenUri: address);
        try
        {
            await using var federation = new ClientFederation(server);
            ConcurrentBag<ClientProgressEventArgs> progress = [];
            federation.Start("a", new ShiftTrainer(1, 100, TimeSpan.FromMilliseconds(500)), progress.Add);
            federation.Start("b", new ShiftTrainer(3, 100, TimeSpan.FromMilliseconds(500)), progress.Add);
            await federation.WaitForOnlineAsync(2);
            var seed = await ShiftTrainer.SeedAsync();
            await federation.StartSessionAsync("r", TwoRounds with { Rounds = 3, MinClients = 2, Validate = false }, seed);
            // Restart while the clients train round 2: their uploads and reports must reach the next server.
            await ClientFederation.WaitUntilAsync(async () => await server.Metadata.Rounds.GetAsync("r", 2) is { Value.Status: RoundStatus.Training }, TimeSpan.FromSeconds(60), "round 2");

            var stopping = System.Diagnostics.Stopwatch.StartNew();
            await server.StopAsync();
            var stopped = stopping.Elapsed;
            server = await RunningServer.StartAsync(dataDirectory: directory, listenUri: address);
            federation.Server = server;
            var session = await federation.WaitForSessionAsync("r", TimeSpan.FromSeconds(120));
            Assert.True(stopped < TimeSpan.FromSeconds(20), $"the server took {stopped} to stop: it waited for connections instead of closing them");

            var events = await server.Metadata.Events.ListAsync("r", new Storage.Metadata.PageRequest(1000));
            Assert.True(session.Status == SessionStatus.Completed, session.Message + "\n" + string.Join("\n", progress.Select(e => $"{e.Stage} {e.TaskId} {e.Message}")) + "\n" + string.Join("\n", events.Items.Select(e => $"{e.Value.Time:HH:mm:ss.fff} {e.Value.Kind} {e.Value.Message}")));
            Assert.Equal(3, session.CompletedRounds);
            Assert.All((await server.Metadata.Rounds.ListAsync("r", new Storage.Metadata.PageRequest())).Items, round => Assert.Equal(2, round.Value.UpdatesAggregated));
            Assert.True(progress.Count(e => e.Stage == ClientStage.Connected) >= 4, "both clients reconnected");
            var end = await F32Models.ReadAsync(await File.ReadAllBytesAsync(Path.Combine(directory, "blobs", "models", "r-round-3.safetensors")));
            var start = await F32Models.ReadAsync(seed);
            Assert.Equal(6.0, end[0] - start[0], 4);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_client_with_a_refused_token_stops_with_the_reason_instead_of_retrying_forever()
    {
        await using var server = await RunningServer.StartAsync();
        await using var client = new FedNClient(new FedNClientOptions { ServerUri = server.BaseUri, Token = server.AdminToken }, new ShiftTrainer(1, 1));

        var refused = await Assert.ThrowsAsync<FedNApiException>(() => client.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("client token", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_trainer_process_fails_with_its_exit_code_and_stderr()
    {
        var folder = Directory.CreateTempSubdirectory("fedn-trainer-").FullName;
        try
        {
            var script = Path.Combine(folder, "fail.sh");
            await File.WriteAllTextAsync(script, "echo 'CUDA out of memory' >&2; exit 3\n");
            var trainer = new ProcessTrainer("bash", [script]);
            var task = new Contracts.Messaging.ClientTask { TaskId = "t", Kind = Contracts.Messaging.ClientTaskKind.Train, SessionId = "s", Round = 1, ModelId = "m", ModelUrl = new Uri("http://x/"), Deadline = DateTimeOffset.MaxValue };

            var failure = await Assert.ThrowsAsync<TrainerException>(() => trainer.TrainAsync(new TrainingRequest(task, Path.Combine(folder, "in.safetensors"), Path.Combine(folder, "out.safetensors")), CancellationToken.None));

            Assert.Contains("exited with code 3", failure.Message, StringComparison.Ordinal);
            Assert.Contains("CUDA out of memory", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
