using System.Net.Http.Headers;
using System.Text.Json;
using FedN.Core.Federation;
using FedN.Core.Metadata;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>A client speaks only for itself: the hub takes the client id from its token, never from a report.</summary>
public sealed class ReportIdentityTests
{
    [Fact]
    public async Task A_report_copied_from_another_clients_task_counts_for_the_sender_and_a_repeated_report_counts_once()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, RoundTimeout = TimeSpan.FromSeconds(20), MinClients = 1, QuorumGrace = TimeSpan.FromSeconds(1), Validate = false });
        var task = await SessionSetup.NextTaskAsync(site);
        await using var intruder = await RawHubClient.ConnectedAsync(server, "intruder");

        // The intruder knows the site's task and reports an update for it as if it were the site.
        await intruder.SendAsync(Report(task, ackId: 1, examples: 1_000_000));
        await intruder.AckAsync(1);
        using var http = new HttpClient();
        using var model = await http.GetAsync(task.GetProperty("modelUrl").GetString());
        using var upload = new HttpRequestMessage(HttpMethod.Put, task.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(await model.Content.ReadAsByteArrayAsync()) };
        upload.Headers.Add("x-ms-blob-type", "BlockBlob");
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await http.SendAsync(upload)).EnsureSuccessStatusCode();
        await site.SendAsync(Report(task, ackId: 1, examples: 10));
        await site.AckAsync(1);
        AssertAccepted(await ReceiptAsync(site));

        // The site's update closed the round, but the receipt was lost with the site's connection. It
        // reports again on a new one, after the round has ended: answered as the first time.
        var round = await WaitForRoundAsync(server, "s", 1);
        await using var again = await RawHubClient.ConnectedAsync(server, "site");
        await again.SendAsync(Report(task, ackId: 1, examples: 10));
        await again.AckAsync(1);
        AssertAccepted(await ReceiptAsync(again));

        round = (await server.Metadata.Rounds.GetAsync("s", 1))!.Value;
        Assert.Equal(RoundStatus.Committed, round.Status);
        Assert.Equal(1, round.UpdatesAggregated);
        Assert.Equal(1, round.UpdatesRejected);
        Assert.Equal(2, round.UpdatesReceived);
        var events = await server.Metadata.Events.ListAsync("s", new PageRequest(1000));
        var rejection = Assert.Single(events.Items, e => e.Value.Kind == "update.rejected").Value;
        Assert.Equal("intruder", rejection.ClientId);
        Assert.Contains("not assigned", rejection.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ReceiptAsync(RawHubClient connection) =>
        (await connection.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message" && frame.GetProperty("data").GetProperty("kind").GetString() == "receipt")).GetProperty("data").GetProperty("receipt");

    private static void AssertAccepted(JsonElement receipt) =>
        Assert.True(receipt.GetProperty("accepted").GetBoolean(), $"the report was refused: {receipt}");

    private static string Report(JsonElement task, ulong ackId, long examples) => JsonSerializer.Serialize(new
    {
        type = "event",
        @event = "update",
        ackId,
        dataType = "json",
        data = new
        {
            taskId = task.GetProperty("taskId").GetString(),
            sessionId = task.GetProperty("sessionId").GetString(),
            round = task.GetProperty("round").GetInt32(),
            attempt = task.GetProperty("attempt").GetInt32(),
            shard = task.GetProperty("shard").GetInt32(),
            numExamples = examples,
        },
    });

    private static async Task<RoundRecord> WaitForRoundAsync(RunningServer server, string sessionId, int number)
    {
        RoundRecord? ended = null;
        await Poll.UntilAsync(async () => (ended = (await server.Metadata.Rounds.GetAsync(sessionId, number))?.Value) is { EndedAt: not null }, TimeSpan.FromSeconds(60), $"round {number} to end");
        return ended!;
    }
}
