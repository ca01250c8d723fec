using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

/// <summary>The local runner's <see cref="IOrchestrationContext"/>: steps get sequence numbers in scheduling order; completions come from the execution.</summary>
internal sealed class LocalOrchestrationContext(string instanceId, int generation, JsonElement? input, DateTime startTime) : IOrchestrationContext
{
    private readonly Dictionary<int, PendingStep> _pending = [];
    private int _nextSequence;
    private int _guids;

    public string InstanceId { get; } = instanceId;

    public DateTime CurrentUtcDateTime { get; set; } = startTime;

    public bool IsReplaying { get; set; } = true;

    /// <summary>Steps scheduled, not completed and not canceled.</summary>
    public IEnumerable<PendingStep> Pending => _pending.Values.Where(step => !step.Canceled);

    public JsonElement? CustomStatus { get; private set; }

    public bool CustomStatusChanged { get; set; }

    public (bool Requested, JsonElement? Input) ContinueAsNewRequest { get; private set; }

    public T? GetInput<T>() => OrchestrationCatalog.FromJson<T>(input);

    public async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, RetryPolicy? retry = null)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.Activity, name) { Input = OrchestrationCatalog.ToJson(input), Retry = retry });
        return OrchestrationCatalog.FromJson<TResult>(await step.Completion.Task)!;
    }

    public async Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, string? instanceId = null)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.SubOrchestration, name)
        {
            Input = OrchestrationCatalog.ToJson(input),
            ChildInstanceId = instanceId ?? $"{InstanceId}:{generation}:{_nextSequence}",
        });
        return OrchestrationCatalog.FromJson<TResult>(await step.Completion.Task)!;
    }

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.Timer, "timer") { FireAt = fireAt });
        CancelOn(step, cancellationToken);
        return step.Completion.Task;
    }

    public async Task<T> WaitForExternalEvent<T>(string name, CancellationToken cancellationToken = default)
    {
        var step = Schedule(new PendingStep(_nextSequence, StepKind.ExternalEvent, name));
        CancelOn(step, cancellationToken);
        return OrchestrationCatalog.FromJson<T>(await step.Completion.Task)!;
    }

    public void SendEvent(string instanceId, string name, object? payload = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Schedule(new PendingStep(_nextSequence, StepKind.SendEvent, name)
        {
            Input = OrchestrationCatalog.ToJson(payload),
            ChildInstanceId = instanceId,
            FireAt = CurrentUtcDateTime,
            SentEventId = $"{InstanceId}/{generation}/{_nextSequence}",
        });
    }

    public void SetCustomStatus(object? status)
    {
        CustomStatus = OrchestrationCatalog.ToJson(status);
        CustomStatusChanged = true;
    }

    public void ContinueAsNew(object? newInput) => ContinueAsNewRequest = (true, OrchestrationCatalog.ToJson(newInput));

    /// <summary>A name-based GUID (version 5 layout, SHA-256) from the instance, generation and a counter: the same on every replay.</summary>
    public Guid NewGuid()
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
            step.Completion.SetException(new ActivityFailedException(step.Name, errorType, outcome.ErrorMessage ?? ""));
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
