using System.Text.Json;
using Microsoft.DurableTask;

namespace FedN.Functions.Tests;

/// <summary>A Durable orchestration context that records every call and answers tasks as the test scripts them.</summary>
internal sealed class RecordingOrchestrationContext(JsonElement? input = null) : TaskOrchestrationContext
{
    /// <summary>Calls in order: (method, name or instance, payload, options or token).</summary>
    public List<(string Method, string? Name, object? Payload, object? Options)> Calls { get; } = [];

    /// <summary>Answers an activity or sub-orchestration call (name, input, options) with its result, or throws.</summary>
    public Func<string, object?, TaskOptions?, Task<object?>> Answer { get; set; } = (_, _, _) => Task.FromResult<object?>(null);

    /// <summary>Answers waits for events; by default they never complete.</summary>
    public Func<string, CancellationToken, Task<object?>> Event { get; set; } = (_, _) => new TaskCompletionSource<object?>().Task;

    public override TaskName Name => "test";

    public override string InstanceId => "instance-1";

    public override DateTime CurrentUtcDateTime { get; } = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    public override bool IsReplaying => true;

    public Guid Guid { get; } = Guid.NewGuid();

    public override T? GetInput<T>() where T : default
    {
        Calls.Add((nameof(GetInput), typeof(T).Name, null, null));
        return (T?)(object?)input;
    }

    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        Calls.Add((nameof(CallActivityAsync), name, input, options));
        return (TResult)(await Answer(name, input, options))!;
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        Calls.Add((nameof(CallSubOrchestratorAsync), orchestratorName, input, options));
        return (TResult)(await Answer(orchestratorName, input, options))!;
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        Calls.Add((nameof(CreateTimer), null, fireAt, cancellationToken));
        return Task.CompletedTask;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        Calls.Add((nameof(WaitForExternalEvent), eventName, null, cancellationToken));
        return (T)(await Event(eventName, cancellationToken))!;
    }

    public override void SendEvent(string instanceId, string eventName, object payload) => Calls.Add((nameof(SendEvent), $"{instanceId}/{eventName}", payload, null));

    public override void SetCustomStatus(object? customStatus) => Calls.Add((nameof(SetCustomStatus), null, customStatus, null));

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => Calls.Add((nameof(ContinueAsNew), null, newInput, preserveUnprocessedEvents));

    public override Guid NewGuid() => Guid;
}
