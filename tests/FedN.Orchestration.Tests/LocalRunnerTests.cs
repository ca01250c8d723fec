using System.Collections.Concurrent;
using FedN.Orchestration.Local;
using Microsoft.DurableTask;

namespace FedN.Orchestration.Tests;

public sealed class LocalRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Activities_fan_out_and_their_results_come_back()
    {
        await using var stores = await LocalStores.OpenAsync();
        var catalog = new OrchestrationCatalog()
            .AddActivity(new ActivityName<int, int>("square"), (x, _) => Task.FromResult(x * x))
            .AddOrchestrator(new OrchestratorName<int[], int>("sum-of-squares"), async (context, numbers) =>
                (await Task.WhenAll(numbers.Select(n => context.CallActivityAsync<int>("square", n)))).Sum());
        var runner = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);

        await runner.StartAsync(new OrchestratorName<int[], int>("sum-of-squares"), "i1", new[] { 1, 2, 3, 4 });
        var done = await Wait(runner, "i1");
        Assert.Equal((OrchestrationStatus.Completed, 30), (done.Status, done.ReadOutputAs<int>()));
    }

    [Fact]
    public async Task Retries_follow_the_policy_and_a_final_failure_reaches_the_orchestrator_described()
    {
        await using var stores = await LocalStores.OpenAsync();
        var calls = new ConcurrentDictionary<string, int>();
        var catalog = new OrchestrationCatalog()
            .AddActivity(new ActivityName<string, string>("flaky"), (key, _) => calls.AddOrUpdate(key, 1, (_, n) => n + 1) < 3 ? throw new IOException($"attempt failed for {key}") : Task.FromResult("ok"))
            .AddOrchestrator(new OrchestratorName<string, string>("retrying"), async (context, _) =>
            {
                var retried = await context.CallActivityAsync<string>("flaky", "a", TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(10))));
                try
                {
                    await context.CallActivityAsync<string>("flaky", "b");
                    return "unexpected";
                }
                catch (TaskFailedException e)
                {
                    return $"{retried}; b: {e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}";
                }
            });
        var runner = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);

        await runner.StartAsync(new OrchestratorName<string, string>("retrying"), "i1", "");
        Assert.Equal("ok; b: System.IO.IOException: attempt failed for b", (await Wait(runner, "i1")).ReadOutputAs<string>());
        Assert.Equal((3, 1), (calls["a"], calls["b"]));
    }

    [Fact]
    public async Task Events_are_waited_for_with_a_timeout_and_buffered_until_someone_waits()
    {
        await using var stores = await LocalStores.OpenAsync();
        var catalog = new OrchestrationCatalog().AddOrchestrator(new OrchestratorName<string, string>("waiter"), async (context, _) =>
        {
            string first;
            try
            {
                first = await context.WaitForExternalEvent<string>("never", TimeSpan.FromMilliseconds(300));
            }
            catch (TaskCanceledException)
            {
                first = "timed out";
            }

            var second = await context.WaitForExternalEvent<string>("Go", TimeSpan.FromSeconds(20));
            return $"{first}, {second}";
        });
        var runner = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);

        await runner.RaiseEventAsync("i1", "go", "raised early");
        await runner.StartAsync(new OrchestratorName<string, string>("waiter"), "i1", "");
        Assert.Equal("timed out, raised early", (await Wait(runner, "i1")).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Continue_as_new_restarts_with_a_fresh_journal_and_sub_orchestrations_return_their_output()
    {
        await using var stores = await LocalStores.OpenAsync();
        var catalog = new OrchestrationCatalog()
            .AddActivity(new ActivityName<int, int>("inc"), (x, _) => Task.FromResult(x + 1))
            .AddOrchestrator(new OrchestratorName<int, int>("child"), (context, x) => context.CallActivityAsync<int>("inc", x))
            .AddOrchestrator(new OrchestratorName<int, int>("looping"), async (context, x) =>
            {
                var next = await context.CallSubOrchestratorAsync<int>("child", x);
                if (next < 3)
                {
                    context.ContinueAsNew(next);
                }

                return next;
            });
        var runner = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);

        await runner.StartAsync(new OrchestratorName<int, int>("looping"), "i1", 0);
        var done = await Wait(runner, "i1");
        Assert.Equal((3, 2), (done.ReadOutputAs<int>(), done.Generation));
        Assert.Empty(await runner.Journal.ReadAsync("i1", 0, CancellationToken.None));
    }

    [Fact]
    public async Task A_changed_orchestrator_is_caught_on_replay_not_silently_misled()
    {
        await using var stores = await LocalStores.OpenAsync();
        var crashed = new TaskCompletionSource();
        var first = Catalog("one");
        var runner = new LocalOrchestrationRunner(first, stores.Metadata, stores.Blobs) { JournalWritten = (_, _) => { crashed.TrySetResult(); throw new IOException("killed"); } };
        await runner.StartAsync(new OrchestratorName<int, int>("flow"), "i1");
        await crashed.Task.WaitAsync(Patience);
        await WaitForFault(runner);

        var changed = new LocalOrchestrationRunner(Catalog("two"), stores.Metadata, stores.Blobs);
        using var stop = new CancellationTokenSource(Patience);
        var standby = changed.RunAsync(stop.Token);
        while (changed.Faults.IsEmpty)
        {
            await Task.Delay(20, stop.Token);
        }

        await stop.CancelAsync();
        await standby;
        Assert.True(changed.Faults.TryPeek(out var fault));
        Assert.Contains("not deterministic", fault.Error.Message, StringComparison.Ordinal);

        static OrchestrationCatalog Catalog(string activity) => new OrchestrationCatalog()
            .AddActivity(new ActivityName<int, int>("one"), (x, _) => Task.FromResult(x))
            .AddActivity(new ActivityName<int, int>("two"), (x, _) => Task.FromResult(x))
            .AddOrchestrator(new OrchestratorName<int, int>("flow"), async (context, _) => await context.CallActivityAsync<int>(activity, 1) + await context.CallActivityAsync<int>(activity, 2));
    }

    [Fact]
    public async Task An_event_sent_by_an_orchestrator_reaches_the_other_instance_once_even_when_the_sender_returns_at_once()
    {
        await using var stores = await LocalStores.OpenAsync();
        var catalog = new OrchestrationCatalog()
            .AddOrchestrator(new OrchestratorName<string, string>("receiver"), async (context, _) =>
            {
                var first = await context.WaitForExternalEvent<string>("go");
                try
                {
                    return $"{first}, then {await context.WaitForExternalEvent<string>("go", TimeSpan.FromMilliseconds(300))}";
                }
                catch (TaskCanceledException)
                {
                    return $"{first}, then none";
                }
            })
            .AddOrchestrator(new OrchestratorName<string, string>("sender"), (context, target) =>
            {
                context.SendEvent(target, "GO", "from sender");
                return Task.FromResult("sent");
            });
        var runner = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);

        await runner.StartAsync(new OrchestratorName<string, string>("receiver"), "r1", "");
        await runner.StartAsync(new OrchestratorName<string, string>("sender"), "s1", "r1");
        Assert.Equal("sent", (await Wait(runner, "s1")).ReadOutputAs<string>());
        Assert.Equal("from sender, then none", (await Wait(runner, "r1")).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Standing_by_ends_quietly_whenever_it_is_canceled()
    {
        await using var stores = await LocalStores.OpenAsync();
        var catalog = new OrchestrationCatalog().AddOrchestrator(new OrchestratorName<int, int>("idle"), async (context, _) => await context.WaitForExternalEvent<int>("never"));
        await using var active = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs);
        for (var i = 0; i < 100; i++)
        {
            await active.StartAsync(new OrchestratorName<int, int>("idle"), $"i{i}");
        }

        // The other runner scans 100 running instances it cannot take; cancel it at varied points of its scan.
        await using var standby = new LocalOrchestrationRunner(catalog, stores.Metadata, stores.Blobs, new LocalOrchestrationRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(1) });
        for (var delay = 0; delay < 60; delay++)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            await standby.RunAsync(stop.Token);
        }
    }

    internal static async Task<OrchestrationInstance> Wait(LocalOrchestrationRunner runner, string instanceId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await runner.WaitForCompletionAsync(instanceId, timeout.Token);
    }

    /// <summary>Waits until the killed execution has been reported as a runner fault.</summary>
    internal static async Task WaitForFault(LocalOrchestrationRunner runner)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (runner.Faults.IsEmpty)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
