using System.Text.Json;
using FedN.Core.Federation;
using FedN.Functions.Durable;
using FedN.Orchestration;
using FedN.Reducer;
using Microsoft.DurableTask;

namespace FedN.Functions.Tests;

/// <summary>The shipped orchestration-port adapter against a recording Durable context: every port call maps to the Durable call of the same name.</summary>
public sealed class DurableOrchestrationContextTests
{
    private static readonly FedN.Orchestration.RetryPolicy Retry = new(MaxAttempts: 5, FirstRetryInterval: TimeSpan.FromSeconds(1), BackoffCoefficient: 2, MaxRetryInterval: TimeSpan.FromSeconds(30));

    [Fact]
    public async Task An_activity_call_passes_the_name_FedNs_json_and_the_retry_policy_and_reads_the_result()
    {
        var durable = new RecordingOrchestrationContext { Answer = (_, _, _) => Task.FromResult<object?>(JsonSerializer.SerializeToElement(new { status = "planned", eligible = 3, shards = Array.Empty<object>() })) };
        var context = new DurableOrchestrationContext(durable);

        var result = await context.CallActivityAsync<PlanResult>(ReducerNames.Plan, new SessionStatusRequest("s", SessionStatus.Running, null), Retry);

        Assert.Equal(new PlanResult(PlanStatus.Planned, 3, []).Status, result.Status);
        Assert.Equal(3, result.Eligible);
        var call = Assert.Single(durable.Calls);
        Assert.Equal(("CallActivityAsync", ReducerNames.Plan), (call.Method, call.Name));
        var input = Assert.IsType<JsonElement>(call.Payload);
        Assert.Equal("""{"sessionId":"s","status":"running"}""", input.GetRawText());
        var policy = Assert.IsType<TaskOptions>(call.Options).Retry!.Policy!;
        Assert.Equal((5, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30)), (policy.MaxNumberOfAttempts, policy.FirstRetryInterval, policy.BackoffCoefficient, policy.MaxRetryInterval));
    }

    [Fact]
    public async Task A_failed_activity_or_child_becomes_the_ports_ActivityFailedException()
    {
        var details = new TaskFailureDetails("System.IO.IOException", "the blob is gone", null, null);
        var durable = new RecordingOrchestrationContext
        {
            Answer = (name, _, _) => name == ReducerNames.Commit
                ? throw new TaskFailedException(name, 7, details)
                : throw new SubOrchestrationFailedException(name, 8, details),
        };
        var context = new DurableOrchestrationContext(durable);

        var activity = await Assert.ThrowsAsync<ActivityFailedException>(() => context.CallActivityAsync<bool>(ReducerNames.Commit));
        var child = await Assert.ThrowsAsync<ActivityFailedException>(() => context.CallSubOrchestratorAsync<RoundOutcome>(ReducerNames.RoundOrchestrator, null, "child-1"));

        Assert.Equal((ReducerNames.Commit, "System.IO.IOException", "the blob is gone"), (activity.Name, activity.ErrorType, activity.ErrorMessage));
        Assert.Equal((ReducerNames.RoundOrchestrator, "the blob is gone"), (child.Name, child.ErrorMessage));
        var options = Assert.IsType<SubOrchestrationOptions>(durable.Calls[1].Options);
        Assert.Equal("child-1", options.InstanceId);
        Assert.Null(durable.Calls[0].Options);
    }

    [Fact]
    public async Task Events_timers_statuses_and_continue_as_new_pass_through_with_json_payloads()
    {
        var input = JsonSerializer.SerializeToElement(new { sessionId = "s2", status = "stopping" });
        var durable = new RecordingOrchestrationContext(input) { Event = (_, _) => Task.FromResult<object?>(JsonSerializer.SerializeToElement(42)) };
        var context = new DurableOrchestrationContext(durable);
        using var cancel = new CancellationTokenSource();
        var fireAt = new DateTime(2026, 11, 23, 13, 0, 0, DateTimeKind.Utc);

        Assert.Equal("instance-1", context.InstanceId);
        Assert.Equal(durable.CurrentUtcDateTime, context.CurrentUtcDateTime);
        Assert.True(context.IsReplaying);
        Assert.Equal(durable.Guid, context.NewGuid());
        Assert.Equal(new SessionStatusRequest("s2", SessionStatus.Stopping, null), context.GetInput<SessionStatusRequest>());
        await context.CreateTimer(fireAt, cancel.Token);
        Assert.Equal(42, await context.WaitForExternalEvent<int>(ReducerNames.StopEvent, cancel.Token));
        context.SendEvent("other", ReducerNames.StopEvent);
        context.SetCustomStatus("training");
        context.ContinueAsNew(new SessionStatusRequest("s", SessionStatus.Running, null));

        Assert.Equal(
            ["GetInput", "CreateTimer", "WaitForExternalEvent", "SendEvent", "SetCustomStatus", "ContinueAsNew"],
            durable.Calls.Select(call => call.Method));
        Assert.Equal((fireAt, cancel.Token), (durable.Calls[1].Payload, durable.Calls[1].Options));
        Assert.Equal((ReducerNames.StopEvent, (object?)cancel.Token), (durable.Calls[2].Name, durable.Calls[2].Options));
        Assert.Equal("other/stop", durable.Calls[3].Name);
        Assert.Equal(JsonValueKind.Null, Assert.IsType<JsonElement>(durable.Calls[3].Payload).ValueKind);
        Assert.Equal("\"training\"", Assert.IsType<JsonElement>(durable.Calls[4].Payload).GetRawText());
        Assert.Equal("""{"sessionId":"s","status":"running"}""", Assert.IsType<JsonElement>(durable.Calls[5].Payload).GetRawText());
        Assert.Equal(true, durable.Calls[5].Options);
    }

    [Fact]
    public async Task The_session_orchestrator_runs_a_generation_on_Durable_through_the_adapter()
    {
        var progress = new SessionProgress { SessionId = "s", Config = new SessionConfig { Rounds = 3 }, ModelId = "seed", ModelPath = "models/seed.safetensors" };
        var durable = new RecordingOrchestrationContext(OrchestrationCatalog.ToJson(progress))
        {
            Answer = (name, _, _) => Task.FromResult<object?>(name == ReducerNames.RoundOrchestrator
                ? OrchestrationCatalog.ToJson(new RoundOutcome { Status = RoundStatus.Committed, ModelId = "s-r1", ModelPath = "models/s-r1.safetensors", Aggregated = 2 })
                : OrchestrationCatalog.ToJson(true)),
        };
        var catalog = new OrchestrationCatalog().AddReducer(new ReducerStores(null!, null!, null!, null!));

        var output = await catalog.RunOrchestratorAsync(ReducerNames.SessionOrchestrator, new DurableOrchestrationContext(durable));

        Assert.Equal(SessionStatus.Running, OrchestrationCatalog.FromJson<SessionOutcome>(output)!.Status);
        var child = durable.Calls.Single(call => call.Method == "CallSubOrchestratorAsync");
        Assert.Equal("instance-1:round-1:attempt-1", Assert.IsType<SubOrchestrationOptions>(child.Options).InstanceId);
        Assert.Contains(durable.Calls, call => call is { Method: "CallActivityAsync", Name: ReducerNames.SetSessionStatus });
        var next = OrchestrationCatalog.FromJson<SessionProgress>(Assert.IsType<JsonElement>(durable.Calls.Single(call => call.Method == "ContinueAsNew").Payload))!;
        Assert.Equal((2, 1, "s-r1"), (next.Round, next.Attempt, next.ModelId));
    }
}
