using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FedN.Storage;
using FedN.Storage.Metadata;
using Microsoft.DurableTask;

namespace FedN.Orchestration.Local;

/// <summary>
/// The local server's durable runner: orchestrations whose every completed step is journaled in the
/// metadata store before the orchestrator sees it, so a restarted process replays them to where
/// they were and carries on. Each instance runs in one process at a time, the holder of its blob
/// lease; another process on the same stores running <see cref="RunAsync"/> is a hot standby that
/// takes instances over when their lease lapses.
/// </summary>
public sealed class LocalOrchestrationRunner : IOrchestrationClient, IAsyncDisposable
{
    private int _disposed;
    private readonly IBlobStore _leases;
    private readonly ConcurrentDictionary<string, InstanceExecution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly CancellationTokenSource _lifetime = new();

    /// <summary>Creates a runner over the shared stores.</summary>
    public LocalOrchestrationRunner(OrchestrationCatalog catalog, IMetadataStore metadata, IBlobStore leases, LocalOrchestrationRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _leases = leases ?? throw new ArgumentNullException(nameof(leases));
        Options = options ?? new LocalOrchestrationRunnerOptions();
        Storage.LeaseDuration.Validate(Options.LeaseDuration);
        Instances = new InstanceRepository(metadata);
        Journal = new JournalRepository(metadata);
        Inbox = new InboxRepository(metadata);
    }

    internal OrchestrationCatalog Catalog { get; }

    internal LocalOrchestrationRunnerOptions Options { get; }

    internal TimeProvider Time => Options.TimeProvider;

    internal InstanceRepository Instances { get; }

    internal JournalRepository Journal { get; }

    internal InboxRepository Inbox { get; }

    /// <summary>Called after each journal write, before the orchestrator sees the step; tests use it to kill the runner at every such point.</summary>
    internal Func<JournalEntry, CancellationToken, Task>? JournalWritten { get; set; }

    /// <summary>
    /// Starts an instance of <paramref name="orchestrator"/> and runs it here if no other
    /// runner holds it. Starting an id that exists changes nothing (retries are safe).
    /// </summary>
    public Task<string> StartAsync<TInput, TOutput>(OrchestratorName<TInput, TOutput> orchestrator, string instanceId, TInput input = default!, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        return StartAsync(orchestrator.Name, instanceId, DurableJson.ToJson(input), cancellationToken);
    }

    private async Task<string> StartAsync(string name, string instanceId, JsonElement? input, CancellationToken cancellationToken)
    {
        Catalog.Orchestrator(name);
        var now = Time.GetUtcNow();
        try
        {
            await Instances.CreateAsync(new OrchestrationInstance
            {
                InstanceId = instanceId,
                Name = name,
                Input = input,
                CreatedAt = now,
                GenerationStartedAt = now,
                UpdatedAt = now,
            }, cancellationToken);
        }
        catch (MetadataAlreadyExistsException)
        {
        }

        await TryRunAsync(instanceId, cancellationToken);
        return instanceId;
    }

    /// <summary>Raises event <paramref name="name"/> to an instance; it waits in the instance's inbox until the orchestrator waits for it.</summary>
    public Task RaiseEventAsync(string instanceId, string name, object? payload = null, CancellationToken cancellationToken = default) =>
        AddToInboxAsync(instanceId, name, DurableJson.ToJson(payload), $"{Guid.NewGuid():N}", Time.GetUtcNow(), cancellationToken);

    internal async Task<StepOutcome> SendEventAsync(PendingStep step, CancellationToken cancellationToken)
    {
        // The id is derived from the sender's step, so a sender replayed after a crash raises it once.
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(step.SentEventId!)), 0, 16);
        try
        {
            await AddToInboxAsync(step.ChildInstanceId!, step.Name, step.Input, id, new DateTimeOffset(step.FireAt, TimeSpan.Zero), cancellationToken);
        }
        catch (MetadataAlreadyExistsException)
        {
        }

        return new StepOutcome(null);
    }

    private async Task AddToInboxAsync(string instanceId, string name, JsonElement? payload, string uniquePart, DateTimeOffset raisedAt, CancellationToken cancellationToken)
    {
        await Inbox.AddAsync(new InboxEvent
        {
            InstanceId = instanceId,
            Id = string.Create(CultureInfo.InvariantCulture, $"inbox-{raisedAt.UtcTicks:D19}-{uniquePart}"),
            Name = name,
            Payload = payload,
            RaisedAt = raisedAt,
        }, cancellationToken);
        if (_executions.TryGetValue(instanceId, out var execution))
        {
            execution.Wake();
        }
    }

    /// <summary>The instance, or <see langword="null"/>.</summary>
    public async Task<OrchestrationInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        (await Instances.GetAsync(instanceId, cancellationToken))?.Value;

    /// <summary>Waits until the instance has completed or failed.</summary>
    public Task<OrchestrationInstance> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
        this.PollUntilFinishedAsync(instanceId, TimeSpan.FromMilliseconds(25), Time, cancellationToken);

    /// <summary>
    /// Keeps running every unfinished instance whose lease is free: after a restart, this resumes
    /// them; in a standby process, this takes them over when the active process dies. Returns when
    /// <paramref name="cancellationToken"/> is canceled.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await foreach (var instance in Instances.ListRunningAsync(cancellationToken))
                {
                    await TryRunAsync(instance.Value.InstanceId, cancellationToken);
                }

                await Task.Delay(Options.PollInterval, Time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Canceled at any point of the scan or the wait: the documented way to stop standing by.
        }
    }

    internal async Task OnJournalWrittenAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        if (JournalWritten is { } hook)
        {
            await hook(entry, cancellationToken);
        }
    }

    internal async Task<StepOutcome> RunActivityAsync(PendingStep step, CancellationToken cancellationToken)
    {
        var activity = Catalog.Activity(step.Name);
        var attempts = step.Retry?.MaxNumberOfAttempts ?? 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new StepOutcome(DurableJson.ToJson(await activity.RunAsync(DurableJson.FromJson(step.Input, activity.InputType), cancellationToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    return StepOutcome.Failure(e.GetType().FullName!, e.Message);
                }

                await Task.Delay(DelayBefore(step.Retry!, attempt + 1), Time, cancellationToken);
            }
        }
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 or more), as Durable computes it: the first interval, grown by the coefficient, at most the longest.</summary>
    private static TimeSpan DelayBefore(RetryPolicy retry, int attempt)
    {
        var delay = retry.FirstRetryInterval * Math.Pow(retry.BackoffCoefficient, attempt - 2);
        return delay > retry.MaxRetryInterval ? retry.MaxRetryInterval : delay;
    }

    internal async Task<StepOutcome> RunChildAsync(PendingStep step, CancellationToken cancellationToken)
    {
        var childId = step.ChildInstanceId!;
        await StartAsync(step.Name, childId, step.Input, cancellationToken);
        var child = await WaitForCompletionAsync(childId, cancellationToken);
        return child.Status == OrchestrationStatus.Completed
            ? new StepOutcome(child.Output)
            : StepOutcome.Failure("OrchestrationFailed", child.Error ?? "");
    }

    internal async Task<StepOutcome> WaitForTimerAsync(PendingStep step, CancellationToken cancellationToken)
    {
        var remaining = new DateTimeOffset(step.FireAt, TimeSpan.Zero) - Time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, Time, cancellationToken);
        }

        return new StepOutcome(null);
    }

    /// <summary>Runs the instance here if it is unfinished, not already running here, and its lease is free.</summary>
    private async Task TryRunAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        var execution = new InstanceExecution(this, instanceId);
        if (!_executions.TryAdd(instanceId, execution))
        {
            return;
        }

        IBlobLease? lease = null;
        try
        {
            lease = await _leases.TryAcquireLeaseAsync(LeasePath(instanceId), Options.LeaseDuration, cancellationToken);
        }
        finally
        {
            if (lease is null)
            {
                _executions.TryRemove(instanceId, out _);
                execution.Dispose();
            }
        }

        if (lease is not null)
        {
            var running = Task.Run(() => RunHoldingLeaseAsync(execution, instanceId, lease), CancellationToken.None);
            _running.TryAdd(running, true);
            _ = running.ContinueWith(done => _running.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Stops every instance running here and gives up their leases, so a standby takes them over
    /// at once (a graceful shutdown). What was journaled is kept; the rest is redone by the next runner.
    /// </summary>
    public async Task StopAsync()
    {
        await _lifetime.CancelAsync();
        await Task.WhenAll(_running.Keys);
    }

    private async Task RunHoldingLeaseAsync(InstanceExecution execution, string instanceId, IBlobLease lease)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        var renewals = RenewUntilStoppedAsync(lease, stop);
        try
        {
            await execution.RunAsync(stop.Token);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The runner is stopping, or the lease was lost and another runner owns the instance now.
        }
        catch (Exception e)
        {
            Faults.Enqueue((instanceId, e));
        }
        finally
        {
            await stop.CancelAsync();
            await renewals;
            _executions.TryRemove(instanceId, out _);
            execution.Dispose();
            await lease.DisposeAsync();
        }
    }

    /// <summary>Stops (see <see cref="StopAsync"/>) and frees the runner.</summary>
    public async ValueTask DisposeAsync()
    {
        // Idempotent: a host may hold the runner under two service types and dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync();
        _lifetime.Dispose();
    }

    /// <summary>Failures of the runner itself (not of orchestrators), for the host to log.</summary>
    internal ConcurrentQueue<(string InstanceId, Exception Error)> Faults { get; } = new();

    private async Task RenewUntilStoppedAsync(IBlobLease lease, CancellationTokenSource stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Options.LeaseDuration / 3, Time, stop.Token);
                await lease.RenewAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (BlobLeaseConflictException)
        {
            await stop.CancelAsync();
        }
    }

    private static string LeasePath(string instanceId) =>
        $"leases/orchestrations/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)))}";
}
