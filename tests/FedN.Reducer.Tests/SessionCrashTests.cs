using FedN.Contracts.Federation;
using FedN.Orchestration;
using FedN.Orchestration.Local;
using FedN.Storage.Metadata;
using FedN.Testing.Shared;
using Xunit.Abstractions;

namespace FedN.Reducer.Tests;

/// <summary>
/// A real 3-round session whose runner is killed right after each journal write in turn (the
/// session's and its rounds'); a fresh runner on the same stores takes over. Every time, the session
/// must end as the uninterrupted one does: same rounds, same trail, the same final model within
/// float32 rounding (updates may be aggregated in another order after a crash), and every update
/// aggregated exactly once.
/// </summary>
public sealed class SessionCrashTests(ITestOutputHelper output)
{
    /// <summary>Largest difference allowed per parameter: float32 sums of 3 updates in another order differ by a few ulps.</summary>
    private const float Tolerance = 1e-5f;

    private static readonly SessionConfig Config = new() { Rounds = 3, Shards = 2, MinClients = 3, RoundTimeout = TimeSpan.FromSeconds(30), KeepRounds = 1 };

    [Fact]
    public async Task Killed_after_any_journal_write_the_session_finishes_as_if_uninterrupted()
    {
        var reference = await RunAsync(killAfterWrite: null);
        Assert.True(reference.Writes >= 25, $"a 3-round session should journal many steps, not {reference.Writes}");
        output.WriteLine($"{reference.Writes} journal writes; killing after each in turn");

        for (var kill = 1; kill <= reference.Writes; kill++)
        {
            var run = await RunAsync(kill);
            var context = $"killed after journal write {kill} of {reference.Writes}";
            Assert.True(run.Outcome.Status == SessionStatus.Completed, $"{context}: {run.Outcome.Message}");
            Assert.Equal(3, run.Outcome.CompletedRounds);
            Assert.Equal(reference.Trail, run.Trail);
            Assert.True(run.Aggregated.All(count => count == 3), $"{context}: updates aggregated per round {string.Join(", ", run.Aggregated)}");
            var worst = run.Model.Zip(reference.Model).Max(pair => Math.Abs(pair.First - pair.Second));
            Assert.True(worst <= Tolerance, $"{context}: the final model differs by {worst}");
        }
    }

    private static async Task<SessionRun> RunAsync(int? killAfterWrite)
    {
        var options = LocalFederation.FastOptions with { IntakeVisibilityTimeout = TimeSpan.FromSeconds(1) };
        await using var federation = await LocalFederation.StartAsync(options: options);
        await federation.CreateSessionAsync("s", Config, ("c1", ClientBehaviour.Normal), ("c2", ClientBehaviour.Normal), ("c3", ClientBehaviour.Normal));
        await using var first = federation.NewRunner();
        var crash = JournalCrash.Arm(first, killAfterWrite);

        var instanceId = await new SessionControl(federation.Metadata, first).StartAsync("s");
        OrchestrationInstance finished;
        if (killAfterWrite is null)
        {
            finished = await first.WaitForCompletionAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(60));
        }
        else
        {
            await crash.Killed.WaitAsync(TimeSpan.FromSeconds(60));
            await first.StopAsync();
            await using var second = federation.NewRunner();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var resuming = second.RunAsync(stop.Token);
            finished = await second.WaitForCompletionAsync(instanceId, stop.Token);
            await stop.CancelAsync();
            await resuming;
        }

        var outcome = finished.ReadOutputAs<SessionOutcome>() ?? new SessionOutcome(SessionStatus.Failed, 0, "", finished.Error);
        var trail = outcome.ModelId.Length == 0 ? [] : (await federation.Metadata.Models.GetTrailAsync(outcome.ModelId)).Select(model => model.Id).ToList();
        var rounds = (await federation.Metadata.Rounds.ListAsync("s", PageRequest.First)).Items.Select(item => item.Value.UpdatesAggregated).ToList();
        var model = outcome.ModelId.Length == 0 ? [] : await federation.ReadModelAsync(outcome.ModelId);
        return new SessionRun(outcome, crash.Writes, trail, rounds, model);
    }

    private sealed record SessionRun(SessionOutcome Outcome, int Writes, List<string> Trail, List<long> Aggregated, float[] Model);
}
