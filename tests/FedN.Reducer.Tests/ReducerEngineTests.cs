using FedN.Contracts.Federation;
using FedN.Orchestration;
using FedN.Orchestration.AzureStorage;
using FedN.Orchestration.DurableTask;
using FedN.Storage.Metadata;
using FedN.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedN.Reducer.Tests;

/// <summary>
/// The reducer on the engines other than the local runner, with FedN's real activities over embedded
/// stores and simulated clients: the same orchestrator classes the Functions app runs, on the Durable
/// Task SDK's own runtime (its in-process test host: the SDK's worker and client over gRPC to an
/// in-memory backend) and on the Durable Task Framework's Azure Storage provider (on Azurite).
/// Each is compared with the local runner's run of the same session.
/// </summary>
public sealed class ReducerEngineTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    /// <summary>Three rounds, two shards, validation; every first attempt of a round fails (one client is silent at first attempts) and is retried as a new attempt; the first combiner to record a batch throws once.</summary>
    private static readonly SessionConfig Config = new()
    {
        Rounds = 3,
        Shards = 2,
        MinClients = 3,
        RoundRetries = 1,
        RoundTimeout = TimeSpan.FromSeconds(3),
        QuorumGrace = TimeSpan.Zero,
        KeepRounds = 3,
    };

    private static readonly (string Client, ClientBehaviour Behaviour)[] Clients =
        [("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.SilentAtFirstAttempt)];

    [Fact]
    public async Task A_whole_session_on_the_SDKs_runtime_commits_the_local_runners_model_and_aggregates_each_update_once()
    {
        var onSdk = await RunAsync(StartSdkHostAsync);
        var onLocalRunner = await RunAsync(federation => Task.FromResult<IEngine>(new EngineOnLocalRunner(federation.NewRunner())));

        AssertSameSession(onLocalRunner, onSdk);
    }

    /// <summary>The session completed on <paramref name="engine"/> as on the local runner: same rounds and outcome, the same model within float32 rounding, each update aggregated once.</summary>
    private static void AssertSameSession(SessionRun onLocalRunner, SessionRun engine)
    {
        Assert.True(engine.Outcome.Status == SessionStatus.Completed, engine.Outcome.Message);
        Assert.Equal((3, "s-round-3"), (engine.Outcome.CompletedRounds, engine.Outcome.ModelId));
        Assert.Equal(onLocalRunner.Outcome with { Message = null }, engine.Outcome with { Message = null });
        Assert.Equal(onLocalRunner.Model.Length, engine.Model.Length);
        for (var i = 0; i < engine.Model.Length; i++)
        {
            Assert.True(Math.Abs(engine.Model[i] - onLocalRunner.Model[i]) <= 1e-6f * Math.Max(1f, Math.Abs(onLocalRunner.Model[i])), $"parameter {i}: {engine.Model[i]} on the engine, {onLocalRunner.Model[i]} on the local runner");
        }

        foreach (var run in new[] { engine, onLocalRunner })
        {
            Assert.True(run.CombinerFailed, "the injected combiner fault fired");
            Assert.All(run.Rounds, round =>
            {
                // Attempt 2 of each round: every update aggregated exactly once, across the two shards.
                Assert.Equal((RoundStatus.Committed, 2, 3L, 3L, 0L), (round.Status, round.Attempt, round.UpdatesReceived, round.UpdatesAggregated, round.UpdatesRejected));
                Assert.Equal(3L, round.Shards.Sum(shard => shard.Aggregated));
            });
        }
    }

    [Fact]
    public async Task A_whole_session_on_the_Durable_Task_Framework_over_Azurite_commits_the_local_runners_model()
    {
        var onFramework = await RunAsync(async federation => new EngineOnFramework(await AzureStorageOrchestrationEngine.StartNewAsync(
            federation.Catalog, azurite.ConnectionString, FastFailover with { TaskHubName = $"parity{Guid.NewGuid():N}"[..20] })));
        var onLocalRunner = await RunAsync(federation => Task.FromResult<IEngine>(new EngineOnLocalRunner(federation.NewRunner())));

        AssertSameSession(onLocalRunner, onFramework);
    }

    [Fact]
    public async Task A_stop_on_the_SDKs_runtime_ends_the_running_round_without_a_model()
    {
        await using var federation = await LocalFederation.StartAsync();
        await federation.CreateSessionAsync("s", Config with { Rounds = 5, MinClients = 2, RoundTimeout = TimeSpan.FromSeconds(8) }, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Silent));
        await using var host = await StartSdkHostAsync(federation);
        var control = new SessionControl(federation.Metadata, host.Client);

        var instanceId = await control.StartAsync("s");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while ((await federation.Metadata.Rounds.GetAsync("s", 1, timeout.Token))?.Value.Status != RoundStatus.Training)
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        await control.StopAsync("s");
        // On the test host the stopped round's orchestration completes once the combiners still in
        // flight return (at their deadline, seen here); the record says at once that it was stopped.
        var finished = await host.Client.WaitForCompletionAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(OrchestrationStatus.Completed, finished.Status);
        var outcome = finished.ReadOutputAs<SessionOutcome>()!;
        Assert.Equal((SessionStatus.Stopped, 0, "s-seed"), (outcome.Status, outcome.CompletedRounds, outcome.ModelId));
        var round = (await federation.Metadata.Rounds.GetAsync("s", 1))!.Value;
        Assert.Equal(RoundStatus.Stopped, round.Status);
        // c1 answers at once: its update may be folded in before the stop lands, and the record counts it; no model comes of it.
        Assert.InRange(round.UpdatesAggregated, 0L, 1L);
        Assert.True(round.EndedAt - round.StartedAt < TimeSpan.FromSeconds(8), $"the round was closed after {round.EndedAt - round.StartedAt}, not when it was stopped");
        Assert.Null(await federation.Metadata.Models.GetAsync("s-round-1"));
        Assert.Equal(SessionStatus.Stopped, (await federation.Metadata.Sessions.GetAsync("s"))!.Value.Status);
    }

    private static async Task<SessionRun> RunAsync(Func<LocalFederation, Task<IEngine>> startEngine)
    {
        FaultyBlobStore? faulty = null;
        var options = LocalFederation.FastOptions with { IntakeVisibilityTimeout = TimeSpan.FromSeconds(1) };
        await using var federation = await LocalFederation.StartAsync(blobs => faulty = new FaultyBlobStore(blobs), options);
        var combinerFailed = 0;
        faulty!.BeforeUpload = (path, _, _) =>
            path.EndsWith("/ledger/000000.json", StringComparison.Ordinal) && Interlocked.Exchange(ref combinerFailed, 1) == 0
                ? throw new IOException($"injected failure writing {path}")
                : Task.CompletedTask;
        await federation.CreateSessionAsync("s", Config, Clients);

        var engine = await startEngine(federation);
        await using (engine)
        {
            var outcome = await federation.RunSessionAsync(engine.Client, "s", TimeSpan.FromSeconds(120));
            var rounds = (await federation.Metadata.Rounds.ListAsync("s", PageRequest.First)).Items.Select(item => item.Value).ToList();
            return new SessionRun(outcome, await federation.ReadModelAsync(outcome.ModelId), rounds, combinerFailed == 1);
        }
    }

    /// <summary>The SDK's in-process test host running the federation's catalog, with FedN's data converter on both sides.</summary>
    private static async Task<IEngine> StartSdkHostAsync(LocalFederation federation)
    {
        // The sidecar's host logs every gRPC call at Information.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        var host = await DurableTaskTestHost.StartAsync(registry => registry.AddCatalog(federation.Catalog), new DurableTaskTestHostOptions
        {
            LoggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning)),
            ConfigureServices = services =>
            {
                services.ConfigureAll<DurableTaskWorkerOptions>(worker => worker.DataConverter = FedNDataConverter.Instance);
                services.ConfigureAll<DurableTaskClientOptions>(client => client.DataConverter = FedNDataConverter.Instance);
            },
        });
        return new EngineOnSdk(host);
    }

    /// <summary>The engine's documented defaults, with short leases for a test.</summary>
    private static AzureStorageEngineOptions FastFailover { get; } = new() { PartitionCount = 2, MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500) };

    private sealed class EngineOnFramework(AzureStorageOrchestrationEngine engine) : IEngine
    {
        public IOrchestrationClient Client => engine.Client;

        public ValueTask DisposeAsync() => engine.DisposeAsync();
    }

    private sealed record SessionRun(SessionOutcome Outcome, float[] Model, List<RoundRecord> Rounds, bool CombinerFailed);

    private interface IEngine : IAsyncDisposable
    {
        IOrchestrationClient Client { get; }
    }

    private sealed class EngineOnSdk(DurableTaskTestHost host) : IEngine
    {
        public IOrchestrationClient Client { get; } = new DurableTaskOrchestrationClient(host.Client);

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }

    private sealed class EngineOnLocalRunner(Orchestration.Local.LocalOrchestrationRunner runner) : IEngine
    {
        public IOrchestrationClient Client => runner;

        public ValueTask DisposeAsync() => runner.DisposeAsync();
    }
}
