using FedN.Contracts.Federation;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>A client that reconnects during a round gets its task again, so a dropped connection does not cost the round its update.</summary>
public sealed class OpenTaskTests
{
    [Fact]
    public async Task A_reconnecting_client_is_sent_its_open_task_right_after_connected()
    {
        await using var server = await RunningServer.StartAsync();
        var first = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, RoundTimeout = TimeSpan.FromMinutes(2), MinClients = 1 });

        var task = await SessionSetup.NextTaskAsync(first);
        await first.DisposeAsync();
        await using var second = await RawHubClient.ConnectedAsync(server, "site");
        var again = await SessionSetup.NextTaskAsync(second);

        Assert.Equal("train", task.GetProperty("kind").GetString());
        Assert.Equal(task.GetProperty("taskId").GetString(), again.GetProperty("taskId").GetString());
        Assert.Equal(task.GetProperty("deadline").GetString(), again.GetProperty("deadline").GetString());
        Assert.NotNull(again.GetProperty("uploadUrl").GetString());
    }

    [Fact]
    public async Task A_client_that_is_not_in_the_round_gets_no_task_when_it_connects()
    {
        await using var server = await RunningServer.StartAsync();
        await using var planned = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, RoundTimeout = TimeSpan.FromMinutes(2), MinClients = 1 });
        await SessionSetup.NextTaskAsync(planned);

        await using var late = await RawHubClient.ConnectedAsync(server, "newcomer");
        await late.SendAsync("""{"type":"event","event":"heartbeat","ackId":1,"dataType":"json","data":{}}""");
        var next = (await late.ReceiveAsync())!.Value;

        Assert.Equal("ack", next.GetProperty("type").GetString());
    }
}
