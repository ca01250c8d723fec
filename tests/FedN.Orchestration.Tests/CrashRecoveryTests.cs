using System.Collections.Concurrent;
using FedN.Orchestration.Local;
using FedN.Testing.Shared;
using Microsoft.DurableTask;

namespace FedN.Orchestration.Tests;

/// <summary>
/// The runner killed at every point between two journal writes, in turn, then a fresh runner on
/// the same stores resumes: the result must be that of an uninterrupted run, and no journaled step
/// may run again.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Killed_after_any_journal_write_a_new_runner_finishes_with_the_uninterrupted_result()
    {
        var (reference, writes, _) = await RunAsync(killAfterWrite: null);
        Assert.True(writes >= 12, $"the workflow should journal many steps, not {writes}");

        for (var kill = 1; kill <= writes; kill++)
        {
            var (output, _, executions) = await RunAsync(kill);
            Assert.True(reference == output, $"killed after journal write {kill} of {writes}: '{output}' instead of '{reference}'");

            // At-least-once: only the steps in flight at the kill may run twice, never a journaled one.
            Assert.True(executions.Values.All(count => count <= 2), $"killed after write {kill}: a step ran {executions.Values.Max()} times");
        }
    }

    /// <summary>Runs the workflow; with <paramref name="killAfterWrite"/>, kills the first runner right after that journal write and lets a second one finish.</summary>
    private static async Task<(string Output, int Writes, ConcurrentDictionary<string, int> Executions)> RunAsync(int? killAfterWrite)
    {
        await using var stores = await LocalStores.OpenAsync();
        var executions = new ConcurrentDictionary<string, int>();
        var catalog = Workflow(executions);
        await using var first = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);
        var crash = JournalCrash.Arm(first, killAfterWrite);

        await first.RaiseEventAsync("flow", "approval", "approved");
        await first.StartAsync(new OrchestratorName<int, string>("workflow"), "flow", 3);
        if (killAfterWrite is null)
        {
            var done = await LocalRunnerTests.Wait(first, "flow");
            return (Describe(done), crash.Writes, executions);
        }

        await crash.Killed.WaitAsync(TimeSpan.FromSeconds(30));
        await first.StopAsync();
        Assert.Equal(OrchestrationStatus.Running, (await first.GetInstanceAsync("flow"))!.Status);
        await using var second = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var resuming = second.RunAsync(stop.Token);
        var finished = await LocalRunnerTests.Wait(second, "flow");
        await stop.CancelAsync();
        await resuming;
        return (Describe(finished), crash.Writes, executions);
    }

    private static string Describe(OrchestrationInstance instance) =>
        $"{instance.Status} gen {instance.Generation}: {instance.ReadOutputAs<string>()} status {instance.ReadCustomStatusAs<string>()} error {instance.Error}";

    /// <summary>A bit of everything: fan-out, a timer, an event with a timeout, a sub-orchestration, GUIDs, status, continue-as-new.</summary>
    private static OrchestrationCatalog Workflow(ConcurrentDictionary<string, int> executions) => new OrchestrationCatalog()
        .AddActivity(new ActivityName<string, string>("work"), async (item, cancellationToken) =>
        {
            executions.AddOrUpdate(item, 1, (_, n) => n + 1);
            await Task.Delay(5, cancellationToken);
            return item.ToUpperInvariant();
        })
        .AddOrchestrator(new OrchestratorName<string, string>("child"), async (context, item) =>
            await context.CallActivityAsync<string>("work", $"{context.InstanceId}:{item}") + "!")
        .AddOrchestrator(new OrchestratorName<int, string>("workflow"), async (context, remaining) =>
        {
            var parts = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => context.CallActivityAsync<string>("work", $"g{remaining}-shard{i}")));
            await context.CreateTimer(TimeSpan.FromMilliseconds(20), CancellationToken.None);
            var approval = remaining == 3 ? await context.WaitForExternalEvent<string>("approval", TimeSpan.FromSeconds(20)) : "-";
            var child = await context.CallSubOrchestratorAsync<string>("child", $"c{remaining}");
            var id = context.NewGuid();
            context.SetCustomStatus($"round {4 - remaining} done");
            var summary = $"{string.Join(',', parts)} {approval} {child} {id}";
            if (remaining > 2)
            {
                context.ContinueAsNew(remaining - 1);
            }

            return summary;
        });
}
