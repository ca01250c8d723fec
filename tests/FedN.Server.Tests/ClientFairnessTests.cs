using System.Net;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>One client's token cannot take more than its share of the hub: connections are capped, the request rate is shared by all of them, and heartbeats cost no write each.</summary>
public sealed class ClientFairnessTests
{
    [Fact]
    public async Task A_client_holds_a_few_connections_at_most_and_gets_a_slot_back_when_one_closes()
    {
        await using var server = await RunningServer.StartAsync(options => options with { Hub = options.Hub with { MaxConnectionsPerClient = 2 } });
        var url = await RawHubClient.NegotiateAsync(server, "site");
        var first = await RawHubClient.ConnectedAsync(url);
        await using var second = await RawHubClient.ConnectedAsync(url);
        Assert.Equal(HttpStatusCode.TooManyRequests, await RawHubClient.RefusalAsync(url));

        // Another client is not affected.
        await using var other = await RawHubClient.ConnectedAsync(server, "other");

        await first.DisposeAsync();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await using var again = await RawHubClient.ConnectedAsync(url);
                return true;
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), "a slot to free up");
    }

    [Fact]
    public async Task The_request_rate_is_per_client_over_all_its_connections()
    {
        await using var server = await RunningServer.StartAsync(options => options with { Hub = options.Hub with { RequestBurst = 10, RequestsPerSecond = 0.01 } });
        var url = await RawHubClient.NegotiateAsync(server, "site");
        await using var a = await RawHubClient.ConnectedAsync(url);
        await using var b = await RawHubClient.ConnectedAsync(url);
        List<string?> errors = [];
        foreach (var (connection, first) in new[] { (a, 1UL), (b, 1UL) })
        {
            for (var id = first; id < first + 7; id++)
            {
                await connection.SendAsync(Heartbeat(id));
                var ack = await connection.AckAsync(id);
                errors.Add(ack.GetProperty("success").GetBoolean() ? null : ack.GetProperty("error").GetProperty("name").GetString());
            }
        }

        Assert.All(errors.Take(10), Assert.Null);
        Assert.All(errors.Skip(10), error => Assert.Equal("TooManyRequests", error));
    }

    [Fact]
    public async Task Heartbeats_close_together_write_nothing()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        var connected = (await server.Metadata.Clients.GetAsync("site"))!;
        for (ulong id = 1; id <= 20; id++)
        {
            await site.SendAsync(Heartbeat(id));
            await site.AckAsync(id);
        }

        var after = (await server.Metadata.Clients.GetAsync("site"))!;
        Assert.Equal(connected.ETag, after.ETag);
        Assert.True(after.Value.Online);
    }

    private static string Heartbeat(ulong ackId) => "{\"type\":\"event\",\"event\":\"heartbeat\",\"ackId\":" + ackId + ",\"dataType\":\"json\",\"data\":{}}";
}
