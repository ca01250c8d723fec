using System.Text.Json;
using FedN.Core.Federation;
using FedN.Functions.Durable;
using FedN.Orchestration;
using FedN.Reducer;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace FedN.Functions.Tests;

/// <summary>The shipped orchestration-client adapter against a recording Durable client.</summary>
public sealed class DurableOrchestrationClientTests
{
    [Fact]
    public async Task Starting_schedules_a_new_instance_under_its_id_with_FedNs_json_once()
    {
        var durable = new RecordingClient();
        var client = new DurableOrchestrationClient(durable);

        var first = await client.StartAsync(ReducerNames.SessionOrchestrator, "session:s", new SessionStatusRequest("s", SessionStatus.Created, null));
        durable.Instances["session:s"] = new OrchestrationMetadata(ReducerNames.SessionOrchestrator, "session:s") { RuntimeStatus = OrchestrationRuntimeStatus.Completed };
        var again = await client.StartAsync(ReducerNames.SessionOrchestrator, "session:s", null);

        Assert.Equal(("session:s", "session:s"), (first, again));
        var scheduled = Assert.Single(durable.Scheduled);
        Assert.Equal((ReducerNames.SessionOrchestrator, "session:s"), (scheduled.Name, scheduled.Options!.InstanceId));
        Assert.Equal("""{"sessionId":"s","status":"created"}""", Assert.IsType<JsonElement>(scheduled.Input).GetRawText());
    }

    [Fact]
    public async Task Instances_read_back_with_their_status_payloads_and_failure()
    {
        var durable = new RecordingClient();
        durable.Instances["running"] = new OrchestrationMetadata("fedn-session", "running")
        {
            RuntimeStatus = OrchestrationRuntimeStatus.ContinuedAsNew,
            SerializedInput = """{"sessionId":"s"}""",
            SerializedCustomStatus = """{"round":2,"attempt":1,"phase":"round","modelId":"m1"}""",
            CreatedAt = DateTimeOffset.UnixEpoch,
            LastUpdatedAt = DateTimeOffset.UnixEpoch.AddMinutes(1),
        };
        durable.Instances["failed"] = new OrchestrationMetadata("fedn-session", "failed")
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Failed,
            FailureDetails = new TaskFailureDetails("System.InvalidOperationException", "no plan", null, null),
        };
        durable.Instances["terminated"] = new OrchestrationMetadata("fedn-session", "terminated") { RuntimeStatus = OrchestrationRuntimeStatus.Terminated };
        var client = new DurableOrchestrationClient(durable);

        var running = (await client.GetInstanceAsync("running"))!;
        var failed = await client.WaitForCompletionAsync("failed");
        var terminated = (await client.GetInstanceAsync("terminated"))!;

        Assert.Null(await client.GetInstanceAsync("missing"));
        Assert.Equal((OrchestrationStatus.Running, "fedn-session"), (running.Status, running.Name));
        Assert.Equal(new SessionProgressStatus(2, 1, "round", "m1"), running.ReadCustomStatusAs<SessionProgressStatus>());
        Assert.Equal("s", running.Input!.Value.GetProperty("sessionId").GetString());
        Assert.Equal((DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1)), (running.CreatedAt, running.UpdatedAt));
        Assert.Equal((OrchestrationStatus.Failed, "no plan"), (failed.Status, failed.Error));
        Assert.Equal((OrchestrationStatus.Failed, "the instance was terminated"), (terminated.Status, terminated.Error));
        Assert.All(durable.Reads, read => Assert.True(read.WithPayloads || read.InstanceId == "session:s"));
    }

    [Fact]
    public async Task Events_are_raised_with_FedNs_json()
    {
        var durable = new RecordingClient();

        await new DurableOrchestrationClient(durable).RaiseEventAsync("session:s", ReducerNames.StopEvent, new { reason = "admin" });

        var raised = Assert.Single(durable.Raised);
        Assert.Equal(("session:s", "stop", """{"reason":"admin"}"""), (raised.InstanceId, raised.Name, Assert.IsType<JsonElement>(raised.Payload).GetRawText()));
    }

    private sealed class RecordingClient : DurableTaskClient
    {
        public Dictionary<string, OrchestrationMetadata> Instances { get; } = [];

        public List<(string Name, object? Input, StartOrchestrationOptions? Options)> Scheduled { get; } = [];

        public List<(string InstanceId, string Name, object? Payload)> Raised { get; } = [];

        public List<(string InstanceId, bool WithPayloads)> Reads { get; } = [];

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
        {
            Scheduled.Add((orchestratorName, input, options));
            return Task.FromResult(options?.InstanceId ?? "generated");
        }

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
        {
            Raised.Add((instanceId, eventName, eventPayload));
            return Task.CompletedTask;
        }

        public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        {
            Reads.Add((instanceId, getInputsAndOutputs));
            return Task.FromResult(Instances.GetValueOrDefault(instanceId));
        }

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        {
            Reads.Add((instanceId, getInputsAndOutputs));
            return Task.FromResult(Instances[instanceId]);
        }
    }
}
