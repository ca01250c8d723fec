using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Orchestration.Local;

/// <summary>A step the orchestrator scheduled and is waiting on.</summary>
internal sealed class PendingStep(int sequence, StepKind kind, string name)
{
    public int Sequence { get; } = sequence;

    public StepKind Kind { get; } = kind;

    public string Name { get; } = name;

    public JsonElement? Input { get; init; }

    public RetryPolicy? Retry { get; init; }

    public DateTime FireAt { get; init; }

    /// <summary>The child instance, or the instance an event is sent to.</summary>
    public string? ChildInstanceId { get; init; }

    /// <summary>For a sent event: an id that is the same on every replay, so the event is raised once.</summary>
    public string? SentEventId { get; init; }

    /// <summary>Whether live work has been started for it.</summary>
    public bool Started { get; set; }

    /// <summary>Canceled by the orchestrator: a later completion is dropped, not journaled.</summary>
    public bool Canceled { get; set; }

    /// <summary>Stops the live work of a canceled step.</summary>
    public CancellationTokenSource LiveWork { get; } = new();

    public TaskCompletionSource<JsonElement?> Completion { get; } = new();
}

/// <summary>
/// The local runner's <see cref="TaskOrchestrationContext"/>: steps get sequence numbers in scheduling
/// order; completions come from the execution. Payloads are kept as FedN's JSON (<see cref="DurableJson"/>).
/// </summary>
internal sealed class LocalOrchestrationContext(string name, string instanceId, int generation, JsonElement? input, DateTime startTime) : TaskOrchestrationContext
{
    private readonly Dictionary<int, PendingStep> _pending = [];
    private int _nextSequence;
    private int _guids;
    private DateTime _now = startTime;
    private bool _replaying = true;

    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;

    /// <remarks>Children do not know their parent here (as on the Durable Task Framework with a plain object creator).</remarks>
    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => _now;

    public override bool IsReplaying => _replaying;

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    /// <summary>Steps scheduled, not completed and not canceled.</summary>
    public IEnumerable<PendingStep> Pending => _pending.Values.Where(step => !step.Canceled);

    public JsonElement? CustomStatus { get; private set; }

    public bool CustomStatusChanged { get; set; }

    public (bool Requested, JsonElement? Input) ContinueAsNewRequest { get; private set; }

    /// <summary>Moves the orchestrator's clock (to the time a delivered step was recorded).</summary>
    public void AdvanceTo(DateTime now) => _now = now;

    /// <summary>Replay is over: what the orchestrator does from now on is new.</summary>
    public void GoLive() => _replaying = false;

    public override T? GetInput<T>()
        where T : default => DurableJson.FromJson<T>(input);

    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.Activity, name.Name) { Input = DurableJson.ToJson(input), Retry = options?.Retry?.Policy });
        return DurableJson.FromJson<TResult>(await step.Completion.Task)!;
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.SubOrchestration, orchestratorName.Name)
        {
            Input = DurableJson.ToJson(input),
            ChildInstanceId = (options as SubOrchestrationOptions)?.InstanceId ?? $"{InstanceId}:{generation}:{_nextSequence}",
        });
        return DurableJson.FromJson<TResult>(await step.Completion.Task)!;
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.Timer, "timer") { FireAt = fireAt });
        CancelOn(step, cancellationToken);
        return step.Completion.Task;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.ExternalEvent, eventName));
        CancelOn(step, cancellationToken);
        return DurableJson.FromJson<T>(await step.Completion.Task)!;
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        Schedule(new PendingStep(_nextSequence, StepKind.SendEvent, eventName)
        {
            Input = DurableJson.ToJson(payload),
            ChildInstanceId = instanceId,
            FireAt = CurrentUtcDateTime,
            SentEventId = $"{InstanceId}/{generation}/{_nextSequence}",
        });
    }

    public override void SetCustomStatus(object? customStatus)
    {
        CustomStatus = DurableJson.ToJson(customStatus);
        CustomStatusChanged = true;
    }

    /// <remarks>Events raised and not yet taken stay in the instance's inbox, so they are always preserved.</remarks>
    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => ContinueAsNewRequest = (true, DurableJson.ToJson(newInput));

    /// <summary>A name-based GUID (version 5 layout, SHA-256) from the instance, generation and a counter: the same on every replay.</summary>
    public override Guid NewGuid()
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{InstanceId}/{generation}/{_guids++}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>The step with this sequence number if it is still waiting.</summary>
    public PendingStep? Find(int sequence) => _pending.TryGetValue(sequence, out var step) && !step.Canceled ? step : null;

    /// <summary>Completes a step with a recorded or live outcome; its continuation runs on the pump.</summary>
    public void Complete(PendingStep step, JournalEntry outcome)
    {
        _pending.Remove(step.Sequence);
        if (outcome.ErrorType is { } errorType)
        {
            step.Completion.SetException(new TaskFailedException(step.Name, step.Sequence, new TaskFailureDetails(errorType, outcome.ErrorMessage ?? "", null, null, null)));
        }
        else
        {
            step.Completion.SetResult(outcome.Result);
        }
    }

    private PendingStep Schedule(PendingStep step)
    {
        _nextSequence++;
        _pending.Add(step.Sequence, step);
        return step;
    }

    private void CancelOn(PendingStep step, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        // Cancellation comes from orchestrator code, so on the pump: drop the step deterministically.
        cancellationToken.Register(() =>
        {
            if (_pending.Remove(step.Sequence))
            {
                step.Canceled = true;
                step.LiveWork.Cancel();
                step.Completion.TrySetCanceled(cancellationToken);
            }
        });
    }
}
