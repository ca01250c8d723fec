using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Storage.Metadata;
using FedN.Testing;
using static FedN.Server.Tests.TaskAnswers;

namespace FedN.Server.Tests;

/// <summary>A client that cannot do its task says so, and the round stops waiting for it and names it.</summary>
public sealed class FailedTaskTests
{
    [Fact]
    public async Task A_failed_training_task_settles_the_client_and_a_round_short_of_updates_fails_at_once_naming_it()
    {
        await using var server = await RunningServer.StartAsync();
        await using var a = await RawHubClient.ConnectedAsync(server, "a");
        await using var b = await RawHubClient.ConnectedAsync(server, "b");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(2), QuorumGrace = TimeSpan.FromMinutes(1), Validate = false });
        var taskA = await SessionSetup.NextTaskAsync(a);
        var taskB = await SessionSetup.NextTaskAsync(b);
        await UploadAsync(taskA, await TinyModelAsync(1, 1, 1, 1));
        AssertAccepted(await SendAsync(a, Update(taskA, 1, 10), 1));
        AssertAccepted(await SendAsync(b, Failed(taskB, 1, "trainer 'python4' could not be started: No such file or directory\n"), 1));

        var round = await EndedRoundAsync(server, 1);
        Assert.Equal(RoundStatus.Failed, round.Status);
        Assert.True(round.EndedAt - round.StartedAt < TimeSpan.FromSeconds(30), $"the round took {round.EndedAt - round.StartedAt}");
        Assert.Contains("only 1 update(s) were aggregated by the deadline; the round needs at least 2; no update from b (the client could not train: trainer 'python4' could not be started: No such file or directory)", round.Message, StringComparison.Ordinal);
        var events = await server.Metadata.Events.ListAsync("s", new PageRequest(1000));
        Assert.Contains(events.Items, e => e.Value is { Kind: "update.rejected", ClientId: "b" } && e.Value.Message.Contains("could not train", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_validation_is_an_answer_and_only_real_validations_count_in_the_figures()
    {
        await using var server = await RunningServer.StartAsync();
        await using var a = await RawHubClient.ConnectedAsync(server, "a");
        await using var b = await RawHubClient.ConnectedAsync(server, "b");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(2), QuorumGrace = TimeSpan.FromSeconds(1) });
        foreach (var client in new[] { a, b })
        {
            var task = await SessionSetup.NextTaskAsync(client);
            await UploadAsync(task, await TinyModelAsync(1, 1, 1, 1));
            AssertAccepted(await SendAsync(client, Update(task, 1, 10), 1));
        }

        AssertAccepted(await SendAsync(a, Validation(await SessionSetup.NextTaskAsync(a), 2, 10, new Dictionary<string, double> { ["accuracy"] = 0.75 }), 2));
        AssertAccepted(await SendAsync(b, Failed(await SessionSetup.NextTaskAsync(b), 2, "out of memory"), 2));

        var round = await EndedRoundAsync(server, 1);
        Assert.Equal(RoundStatus.Committed, round.Status);
        Assert.True(round.EndedAt - round.StartedAt < TimeSpan.FromSeconds(30), $"the round took {round.EndedAt - round.StartedAt}");
        Assert.Equal(0.75, round.ValidationMetrics!["accuracy"]);
    }

    private static string Failed(JsonElement task, ulong ackId, string reason) => JsonSerializer.Serialize(new
    {
        type = "event",
        @event = "failed",
        ackId,
        dataType = "json",
        data = new
        {
            taskId = task.GetProperty("taskId").GetString(),
            kind = task.GetProperty("kind").GetString(),
            sessionId = task.GetProperty("sessionId").GetString(),
            round = task.GetProperty("round").GetInt32(),
            attempt = task.GetProperty("attempt").GetInt32(),
            shard = task.GetProperty("shard").GetInt32(),
            reason,
        },
    });
}
