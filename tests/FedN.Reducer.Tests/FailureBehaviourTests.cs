using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Core;
using FedN.Reducer.Activities;
using FedN.Reducer.Intake;
using FedN.Storage;
using FedN.Storage.Metadata;
using FedN.Testing.Shared;

namespace FedN.Reducer.Tests;

/// <summary>What a round does when clients, combiners or the operator misbehave.</summary>
public sealed class FailureBehaviourTests
{
    private static readonly SessionConfig OneRound = new() { Rounds = 1, Validate = false, RoundTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_client_that_never_answers_leaves_the_round_to_close_at_the_deadline_with_the_quorum()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { MinClients = 2, RoundTimeout = TimeSpan.FromSeconds(3), QuorumGrace = TimeSpan.FromSeconds(3) };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Silent));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal((RoundStatus.Committed, 3, 2L), (round.Status, round.AssignedClients, round.UpdatesAggregated));
        Assert.Equal("deadline", Assert.Single(round.Shards).ClosedBy);
        Assert.True(round.EndedAt - round.StartedAt >= config.RoundTimeout, $"closed after {round.EndedAt - round.StartedAt}, before the deadline");
    }

    [Fact]
    public async Task Steps_delivered_again_after_the_session_ended_change_nothing()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { MinClients = 2 };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();
        var outcome = await federation.RunSessionAsync(runner, "s");
        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var committed = await RoundAsync(federation, "s", 1);
        var ended = (await federation.Metadata.Sessions.GetAsync("s"))!.Value;
        var tasksSent = federation.Clients.Received.Count;

        // A node killed after a step ran but before the engine heard of it: the engine delivers the
        // step's message again, here after the session ended (the multi-node kill test saw a plan's
        // fresh "training, nothing received" record replace a committed round's).
        var plan = await new PlanActivity(federation.Stores).RunAsync(new PlanRequest("s", 1, 1, config, committed.InputModelId, committed.Deadline!.Value), CancellationToken.None);
        var sent = await new DispatchActivity(federation.Stores, LocalFederation.FastOptions).RunAsync(
            new DispatchRequest("s", 1, 1, ClientTaskKind.Train, committed.InputModelId, RoundLayout.Model(committed.InputModelId), committed.Deadline.Value), CancellationToken.None);
        await new SetSessionStatusActivity(federation.Stores, LocalFederation.FastOptions).RunAsync(new SessionStatusRequest("s", SessionStatus.Running, null), CancellationToken.None);

        Assert.Equal(PlanStatus.Planned, plan.Status);
        Assert.Equal(0, sent);
        Assert.Equal(tasksSent, federation.Clients.Received.Count);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal((RoundStatus.Committed, 2L, 2L, committed.EndedAt, committed.Traffic), (round.Status, round.UpdatesReceived, round.UpdatesAggregated, round.EndedAt, round.Traffic));
        var session = (await federation.Metadata.Sessions.GetAsync("s"))!.Value;
        Assert.Equal((SessionStatus.Completed, ended.EndedAt), (session.Status, session.EndedAt));
    }

    [Fact]
    public async Task With_its_quorum_a_combiner_waits_only_the_grace_period_for_stragglers()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(5), QuorumGrace = TimeSpan.FromMilliseconds(300) };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Silent));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s", TimeSpan.FromSeconds(30));

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal((2L, "quorum"), (round.UpdatesAggregated, Assert.Single(round.Shards).ClosedBy));
    }

    [Fact]
    public async Task Too_few_updates_fail_the_round_with_a_clear_status_and_the_session_stops_by_default()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { MinClients = 3, RoundTimeout = TimeSpan.FromSeconds(3), QuorumGrace = TimeSpan.Zero };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Silent));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s");

        Assert.Equal(SessionStatus.Failed, outcome.Status);
        Assert.Contains("only 2 update(s) were aggregated by the deadline; the round needs at least 3", outcome.Message, StringComparison.Ordinal);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal(RoundStatus.Failed, round.Status);
        Assert.Contains("needs at least 3", round.Message, StringComparison.Ordinal);
        var session = (await federation.Metadata.Sessions.GetAsync("s"))!.Value;
        Assert.Equal((SessionStatus.Failed, "s-seed"), (session.Status, session.CurrentModelId ?? "s-seed"));
        Assert.Null(await federation.Metadata.Models.GetAsync("s-round-1"));

        // The abandoned round's updates, plan, ledgers and partials are cleaned up with it.
        var left = new List<string>();
        await foreach (var blob in federation.Blobs.ListAsync(RoundLayout.RoundPrefixOf("s", 1)))
        {
            left.Add(blob.Path);
        }

        Assert.Empty(left);
    }

    [Fact]
    public async Task A_failed_round_is_retried_when_the_session_allows_it()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { MinClients = 3, RoundTimeout = TimeSpan.FromSeconds(3), QuorumGrace = TimeSpan.Zero, RoundRetries = 1 };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.SilentAtFirstAttempt));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal((RoundStatus.Committed, 2, 3L), (round.Status, round.Attempt, round.UpdatesAggregated));
        var events = await EventsAsync(federation, "s");
        Assert.Contains(events, e => e.Kind == "round.failed" && e.Message.Contains("attempt 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_report_whose_node_died_after_queueing_it_is_counted_once_when_the_client_sends_it_again()
    {
        await using var federation = await LocalFederation.StartAsync();
        await federation.CreateSessionAsync("s", OneRound with { MinClients = 2 }, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Silent));
        await using var runner = federation.NewRunner();
        var instanceId = await new SessionControl(federation.Metadata, runner).StartAsync("s");
        await WaitForRoundAsync(federation, "s", 1, RoundStatus.Training);

        // c2 uploads and reports to a node that queues the report and writes its receipt, then dies
        // before counting it; c2, never acknowledged, sends the report again to another node.
        var layout = new RoundLayout("s", 1, 1);
        var update = await F32Models.ShiftAsync(await LocalFederation.SeedModelAsync(), SimulatedClients.Delta("c2", 1));
        await federation.Blobs.UploadAsync(layout.Update("c2"), new MemoryStream(update), BlobWriteMode.CreateOnly);
        var report = new UpdateReport { SessionId = "s", Round = 1, Attempt = 1, NumExamples = SimulatedClients.Examples("c2") };
        var queued = new IntakeMessage("c2", 1, 1, report.NumExamples, null);
        await federation.Queues.EnqueueAsync(layout.IntakeQueue(0), JsonSerializer.Serialize(queued, FedNJson.Options));
        await BlobJson.WriteAsync(federation.Blobs, layout.Report("c2"), queued, BlobWriteMode.CreateOnly, CancellationToken.None);
        await federation.Reports.SubmitUpdateAsync("c2", report);

        var finished = await runner.WaitForCompletionAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(finished.ReadOutputAs<SessionOutcome>()!.Status == SessionStatus.Completed, finished.Error?.ToString());
        await federation.Clients.DrainAsync();
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal((2L, 2L, 0L), (round.UpdatesReceived, round.UpdatesAggregated, round.UpdatesRejected));
        await federation.AssertShiftedFromSeedAsync("s-seed", "s-round-1", SimulatedClients.FedAvgShift(["c1", "c2"], 1));
    }

    [Fact]
    public async Task Bad_reports_are_refused_each_with_its_reason_and_never_reach_the_model()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { MinClients = 2, QuorumGrace = TimeSpan.FromSeconds(2) };
        await federation.CreateSessionAsync("s", config,
            ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.NaN), ("c3", ClientBehaviour.ReportsTwice), ("c4", ClientBehaviour.Silent), ("c5", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();
        var instanceId = await new SessionControl(federation.Metadata, runner).StartAsync("s");
        await WaitForRoundAsync(federation, "s", 1, RoundStatus.Training);

        // A client that was not asked is refused at the intake; its message and one about another
        // round, put straight on the intake, are refused by the combiner too.
        var layout = new RoundLayout("s", 1, 1);
        var stranger = await Assert.ThrowsAsync<ClientReportRejectedException>(() =>
            federation.Reports.SubmitUpdateAsync("intruder", new UpdateReport { SessionId = "s", Round = 1, NumExamples = 10 }));
        Assert.Contains("client 'intruder' was not asked to train", stranger.Message, StringComparison.Ordinal);
        await federation.Queues.EnqueueAsync(layout.IntakeQueue(0), JsonSerializer.Serialize(new IntakeMessage("intruder", 1, 1, 10, null), FedNJson.Options));
        await federation.Queues.EnqueueAsync(layout.IntakeQueue(0), JsonSerializer.Serialize(new IntakeMessage("c5", 7, 1, 10, null), FedNJson.Options));
        await federation.Queues.EnqueueAsync(layout.IntakeQueue(0), "{not json");
        // A repeat that got past the report handler (it crashed between queueing and recording): the combiner drops it.
        // It repeats c1's report exactly, once the handler has taken c1's own (its receipt is written after
        // queueing): the repeat queues behind it, and c1's update is uploaded by then.
        await WaitForBlobAsync(federation, layout.Report("c1"));
        await federation.Queues.EnqueueAsync(layout.IntakeQueue(0), JsonSerializer.Serialize(new IntakeMessage("c1", 1, 1, SimulatedClients.Examples("c1"), new Dictionary<string, double> { ["loss"] = 1.0 }), FedNJson.Options));
        var late = await Assert.ThrowsAsync<ClientReportRejectedException>(() =>
            federation.Reports.SubmitUpdateAsync("c1", new UpdateReport { SessionId = "s", Round = 1, Attempt = 2, NumExamples = 10 }));
        Assert.Contains("not taking updates", late.Message, StringComparison.Ordinal);

        var finished = await runner.WaitForCompletionAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(60));
        var outcome = finished.ReadOutputAs<SessionOutcome>()!;
        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var round = await RoundAsync(federation, "s", 1);
        var reasons = (await EventsAsync(federation, "s")).Where(e => e.Kind == "update.rejected").Select(e => $"{e.ClientId}: {e.Message}").ToList();
        Assert.True((round.UpdatesAggregated, round.UpdatesRejected) == (3L, 5L), $"{round.UpdatesAggregated} aggregated, {round.UpdatesRejected} refused:\n{string.Join("\n", reasons)}");
        Assert.Equal(4L, round.UpdatesReceived); // c1, c2, c3 (its second report taken as the first), c5: only what the intake took
        Assert.Contains(reasons, r => r.StartsWith("c2: the update was refused", StringComparison.Ordinal) && r.Contains("NaN", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("c1: duplicate", StringComparison.Ordinal));
        Assert.DoesNotContain(reasons, r => r.StartsWith("c3:", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("intruder: client 'intruder' is not assigned", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("c5: the update is for round 7", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.EndsWith("not a valid intake message", StringComparison.Ordinal));

        // The model is FedAvg of c1, c3 and c5 only.
        await federation.AssertShiftedFromSeedAsync("s-seed", "s-round-1", SimulatedClients.FedAvgShift(["c1", "c3", "c5"], 1));
    }

    [Fact]
    public async Task A_combiner_that_throws_is_retried_and_gives_the_same_partial()
    {
        FaultyBlobStore? faulty = null;
        var options = LocalFederation.FastOptions with { IntakeVisibilityTimeout = TimeSpan.FromSeconds(1) };
        await using var federation = await LocalFederation.StartAsync(blobs => faulty = new FaultyBlobStore(blobs), options);
        var failedLedger = false;
        byte[]? partialOfFailedAttempt = null;
        faulty!.BeforeUpload = async (path, content, cancellationToken) =>
        {
            if (path.EndsWith("/ledger/000000.json", StringComparison.Ordinal) && !failedLedger)
            {
                // Dies before recording its first batch: the messages come back after the visibility timeout.
                failedLedger = true;
                throw new IOException($"injected failure writing {path}");
            }

            if (path.EndsWith("/partial.safetensors", StringComparison.Ordinal) && partialOfFailedAttempt is null)
            {
                // Dies writing its partial: the retry replays the ledger and must write the very same bytes.
                var bytes = new MemoryStream();
                await content.CopyToAsync(bytes, cancellationToken);
                partialOfFailedAttempt = bytes.ToArray();
                throw new IOException($"injected failure writing {path}");
            }
        };
        await federation.CreateSessionAsync("s", OneRound with { MinClients = 3 }, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        Assert.True(failedLedger && partialOfFailedAttempt is not null, "both faults were injected");
        await using var partial = await federation.FileBlobs.OpenReadAsync(new RoundLayout("s", 1, 1).Partial(0));
        var written = new MemoryStream();
        await partial.CopyToAsync(written);
        Assert.Equal(partialOfFailedAttempt, written.ToArray());
        Assert.Equal(3L, (await RoundAsync(federation, "s", 1)).UpdatesAggregated);
        await federation.AssertShiftedFromSeedAsync("s-seed", "s-round-1", SimulatedClients.FedAvgShift(["c1", "c2", "c3"], 1));
    }

    [Fact]
    public async Task A_combiner_that_hangs_past_the_deadline_is_left_behind_and_the_round_commits_with_the_other_shards()
    {
        FaultyBlobStore? faulty = null;
        await using var federation = await LocalFederation.StartAsync(blobs => faulty = new FaultyBlobStore(blobs));
        faulty!.BeforeList = (prefix, cancellationToken) =>
            prefix.Contains("/shards/1/", StringComparison.Ordinal) ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.CompletedTask;
        var config = OneRound with { MinClients = 2, Shards = 2, RoundTimeout = TimeSpan.FromSeconds(4) };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Normal), ("c4", ClientBehaviour.Normal));
        await using var runner = federation.NewRunner();

        var outcome = await federation.RunSessionAsync(runner, "s");

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal((RoundStatus.Committed, 2L), (round.Status, round.UpdatesAggregated));
        Assert.Equal([0], round.Shards.Select(shard => shard.Shard));
    }

    [Fact]
    public async Task A_session_stopped_mid_round_ends_without_committing_a_model()
    {
        await using var federation = await LocalFederation.StartAsync();
        var config = OneRound with { Rounds = 3, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(5) };
        await federation.CreateSessionAsync("s", config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Silent));
        await using var runner = federation.NewRunner();
        var control = new SessionControl(federation.Metadata, runner);
        var instanceId = await control.StartAsync("s");
        await WaitForRoundAsync(federation, "s", 1, RoundStatus.Training);

        await control.StopAsync("s");
        var finished = await runner.WaitForCompletionAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(20));

        var outcome = finished.ReadOutputAs<SessionOutcome>()!;
        Assert.Equal((SessionStatus.Stopped, 0, "s-seed"), (outcome.Status, outcome.CompletedRounds, outcome.ModelId));
        Assert.Equal(RoundStatus.Stopped, (await RoundAsync(federation, "s", 1)).Status);
        var session = (await federation.Metadata.Sessions.GetAsync("s"))!.Value;
        Assert.Equal((SessionStatus.Stopped, null, 0), (session.Status, session.CurrentModelId, session.CompletedRounds));
        Assert.Null(await federation.Metadata.Models.GetAsync("s-round-1"));
        Assert.Empty(await ReducerSessionTests.ListAsync(federation.FileBlobs, "models/s-round-1"));
    }

    [Fact]
    public async Task A_round_whose_updates_are_mostly_refused_commits_with_a_warning_naming_them_and_a_clean_round_has_none()
    {
        await using var federation = await LocalFederation.StartAsync();
        await federation.CreateSessionAsync("s", OneRound with { Rounds = 2 },
            ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.WrongModel), ("c3", ClientBehaviour.WrongModel));
        await using var runner = federation.NewRunner();
        var instanceId = await new SessionControl(federation.Metadata, runner).StartAsync("s");
        var outcome = (await runner.WaitForCompletionAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(60))).ReadOutputAs<SessionOutcome>()!;

        Assert.True(outcome.Status == SessionStatus.Completed, outcome.Message);
        var round = await RoundAsync(federation, "s", 1);
        Assert.Equal(1L, round.UpdatesAggregated);
        Assert.NotNull(round.Warning);
        Assert.True(round.Warning.StartsWith("most updates were refused: 2 of 3 clients that answered", StringComparison.Ordinal), round.Warning);
        Assert.True(round.Warning.Contains("c2 (the update was refused: the model does not match the global model (tensor 'b' is missing))", StringComparison.Ordinal), round.Warning);
        Assert.Contains("c3 (", round.Warning, StringComparison.Ordinal);
        var events = await EventsAsync(federation, "s");
        Assert.Contains(events, e => e is { Kind: "round.mostly-refused", Level: StatusLevel.Warning, Round: 1 });
        Assert.Contains(events, e => e.Kind == "update.rejected" && e.ClientId == "c2" && e.Message.Contains("does not match the global model", StringComparison.Ordinal));

        await using var clean = await LocalFederation.StartAsync();
        await clean.CreateSessionAsync("t", OneRound, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.WrongModel));
        await using var cleanRunner = clean.NewRunner();
        await cleanRunner.WaitForCompletionAsync(await new SessionControl(clean.Metadata, cleanRunner).StartAsync("t")).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Null((await RoundAsync(clean, "t", 1)).Warning);
    }

    private static async Task<RoundRecord> RoundAsync(LocalFederation federation, string sessionId, int round) =>
        (await federation.Metadata.Rounds.GetAsync(sessionId, round))!.Value;

    private static async Task WaitForRoundAsync(LocalFederation federation, string sessionId, int round, RoundStatus status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await federation.Metadata.Rounds.GetAsync(sessionId, round, timeout.Token))?.Value.Status != status)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task WaitForBlobAsync(LocalFederation federation, string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await federation.FileBlobs.GetPropertiesAsync(path, timeout.Token) is null)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<List<StatusEvent>> EventsAsync(LocalFederation federation, string sessionId) =>
        [.. (await federation.Metadata.Events.ListAsync(sessionId, new PageRequest(1000))).Items.Select(item => item.Value)];
}
