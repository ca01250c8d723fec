using System.Threading.Channels;
using FedN.Storage.Metadata;
using Microsoft.DurableTask;

namespace FedN.Orchestration.Local;

/// <summary>
/// Runs one instance to its end while holding its lease: replays the journal into a fresh run of
/// the orchestrator, then goes live, journaling each completion before the orchestrator sees it.
/// </summary>
internal sealed class InstanceExecution(LocalOrchestrationRunner runner, string instanceId) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Channel<(PendingStep Step, StepOutcome Outcome)> _outcomes = Channel.CreateUnbounded<(PendingStep, StepOutcome)>();

    /// <summary>Something may have arrived (an event was raised): look again now rather than at the next poll.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // The execution has ended; nothing is waiting.
        }
    }

    public void Dispose() => _wake.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var instance = await runner.Instances.GetAsync(instanceId, cancellationToken)
            ?? throw new InvalidOperationException($"orchestration instance '{instanceId}' does not exist");
        while (instance.Value.Status == OrchestrationStatus.Running)
        {
            instance = await RunGenerationAsync(instance, cancellationToken);
        }
    }

    private async Task<Versioned<OrchestrationInstance>> RunGenerationAsync(Versioned<OrchestrationInstance> instance, CancellationToken cancellationToken)
    {
        var state = instance.Value;
        var context = new LocalOrchestrationContext(state.Name, instanceId, state.Generation, state.Input, state.GenerationStartedAt.UtcDateTime);
        var pump = new OrchestrationPump();
        Task<System.Text.Json.JsonElement?>? orchestrator = null;
        var registration = runner.Catalog.Orchestrator(state.Name);
        pump.Post(_ => orchestrator = RunAsync(registration.Create(), context, state.Input), null);
        pump.RunUntilIdle();

        // Replay: deliver every recorded completion in its recorded order.
        var journal = await runner.Journal.ReadAsync(instanceId, state.Generation, cancellationToken);
        foreach (var entry in journal)
        {
            var step = context.Find(entry.Sequence);
            if (step is null || step.Kind != entry.Step || !string.Equals(step.Name, entry.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"orchestration '{instanceId}' is not deterministic: its journal completes step {entry.Sequence} ({entry.Step} '{entry.Name}'), " +
                    $"but on replay that step is {(step is null ? "not pending" : $"{step.Kind} '{step.Name}'")}");
            }

            Deliver(pump, context, step, entry);
        }

        foreach (var consumed in journal.Where(entry => entry.InboxId is not null))
        {
            await runner.Inbox.DeleteAsync(instanceId, consumed.InboxId!, cancellationToken);
        }

        context.GoLive();
        var position = journal.Count;
        // Events the orchestrator sent are delivered even when it returns without waiting for them.
        while (!orchestrator!.IsCompleted || context.Pending.Any(step => step.Kind == StepKind.SendEvent))
        {
            StartLiveWork(context, cancellationToken);
            var (step, outcome) = await NextOutcomeAsync(context, cancellationToken);
            if (step.Canceled)
            {
                continue;
            }

            var entry = new JournalEntry
            {
                InstanceId = instanceId,
                Generation = state.Generation,
                Position = position++,
                Sequence = step.Sequence,
                Step = step.Kind,
                Name = step.Name,
                Time = runner.Time.GetUtcNow(),
                Result = outcome.Result,
                ErrorType = outcome.ErrorType,
                ErrorMessage = outcome.ErrorMessage,
                InboxId = outcome.InboxId,
            };
            try
            {
                await runner.Journal.AppendAsync(entry, cancellationToken);
            }
            catch (MetadataAlreadyExistsException e)
            {
                throw new OperationCanceledException($"another runner has taken orchestration '{instanceId}' over", e);
            }

            await runner.OnJournalWrittenAsync(entry, cancellationToken);
            if (entry.InboxId is not null)
            {
                await runner.Inbox.DeleteAsync(instanceId, entry.InboxId, cancellationToken);
            }

            Deliver(pump, context, step, entry);
            if (context.CustomStatusChanged)
            {
                context.CustomStatusChanged = false;
                instance = await runner.Instances.ReplaceAsync(instance with { Value = instance.Value with { CustomStatus = context.CustomStatus, UpdatedAt = entry.Time } }, cancellationToken);
            }
        }

        return await FinishAsync(instance, context, orchestrator, cancellationToken);
    }

    private async Task<Versioned<OrchestrationInstance>> FinishAsync(Versioned<OrchestrationInstance> instance, LocalOrchestrationContext context, Task<System.Text.Json.JsonElement?> orchestrator, CancellationToken cancellationToken)
    {
        var now = runner.Time.GetUtcNow();
        var state = instance.Value with { UpdatedAt = now, CustomStatus = context.CustomStatus ?? instance.Value.CustomStatus };
        if (orchestrator.IsFaulted || orchestrator.IsCanceled)
        {
            var error = orchestrator.Exception?.InnerException ?? new TaskCanceledException("the orchestrator was canceled");
            return await runner.Instances.ReplaceAsync(instance with { Value = state with { Status = OrchestrationStatus.Failed, Error = $"{error.GetType().FullName}: {error.Message}" } }, cancellationToken);
        }

        if (context.ContinueAsNewRequest is (true, var newInput))
        {
            var next = await runner.Instances.ReplaceAsync(instance with { Value = state with { Generation = state.Generation + 1, Input = newInput, GenerationStartedAt = now } }, cancellationToken);
            await runner.Journal.DeleteAsync(instanceId, state.Generation, cancellationToken);
            return next;
        }

        return await runner.Instances.ReplaceAsync(instance with { Value = state with { Status = OrchestrationStatus.Completed, Output = orchestrator.Result } }, cancellationToken);
    }

    private static async Task<System.Text.Json.JsonElement?> RunAsync(ITaskOrchestrator orchestrator, LocalOrchestrationContext context, System.Text.Json.JsonElement? input) =>
        DurableJson.ToJson(await orchestrator.RunAsync(context, DurableJson.FromJson(input, orchestrator.InputType)));

    private static void Deliver(OrchestrationPump pump, LocalOrchestrationContext context, PendingStep step, JournalEntry entry)
    {
        context.AdvanceTo(entry.Time.UtcDateTime);
        pump.Post(_ => context.Complete(step, entry), null);
        pump.RunUntilIdle();
    }

    private void StartLiveWork(LocalOrchestrationContext context, CancellationToken cancellationToken)
    {
        foreach (var step in context.Pending.Where(step => !step.Started && step.Kind != StepKind.ExternalEvent))
        {
            step.Started = true;
            var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, step.LiveWork.Token);
            _ = Task.Run(async () =>
            {
                using (work)
                {
                    try
                    {
                        var outcome = step.Kind switch
                        {
                            StepKind.Activity => await runner.RunActivityAsync(step, work.Token),
                            StepKind.SubOrchestration => await runner.RunChildAsync(step, work.Token),
                            StepKind.SendEvent => await runner.SendEventAsync(step, work.Token),
                            _ => await runner.WaitForTimerAsync(step, work.Token),
                        };
                        await _outcomes.Writer.WriteAsync((step, outcome), CancellationToken.None);
                        Wake();
                    }
                    catch (OperationCanceledException) when (work.IsCancellationRequested)
                    {
                        // The step was canceled, or the runner is stopping: nothing to record.
                    }
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>The next completion: live work that finished, or a raised event some waiting step takes.</summary>
    private async Task<(PendingStep Step, StepOutcome Outcome)> NextOutcomeAsync(LocalOrchestrationContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_outcomes.Reader.TryRead(out var finished))
            {
                return finished;
            }

            var waiting = context.Pending.Where(step => step.Kind == StepKind.ExternalEvent).OrderBy(step => step.Sequence).ToList();
            if (waiting.Count > 0)
            {
                foreach (var raised in await runner.Inbox.ReadAsync(instanceId, cancellationToken))
                {
                    var taker = waiting.FirstOrDefault(step => string.Equals(step.Name, raised.Name, StringComparison.OrdinalIgnoreCase));
                    if (taker is not null)
                    {
                        return (taker, new StepOutcome(raised.Payload, InboxId: raised.Id));
                    }
                }
            }

            await _wake.WaitAsync(runner.Options.PollInterval, cancellationToken);
        }
    }
}
