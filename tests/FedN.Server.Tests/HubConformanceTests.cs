using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using FedN.Channel;
using FedN.Channel.Local;
using FedN.Contracts.Messaging;
using FedN.Security;
using FedN.Testing;
using FedN.Testing.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Server.Tests;

/// <summary>
/// The local hub against the Web PubSub JSON subprotocol as docs/protocol.md documents it, written
/// as raw frames over real WebSockets on 127.0.0.1.
/// </summary>
public sealed class HubConformanceTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(options => options with
    {
        Hub = new LocalHubOptions { MaxMessageBytes = 64 * 1024, RequestBurst = 20, RequestsPerSecond = 2 },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_connection_starts_with_the_connected_system_message_and_marks_the_client_online()
    {
        await using var client = await RawHubClient.ConnectAsync(await NegotiateAsync("alpha"));

        var connected = (await client.ReceiveAsync())!.Value;
        Assert.Equal("system", connected.GetProperty("type").GetString());
        Assert.Equal("connected", connected.GetProperty("event").GetString());
        Assert.Equal("alpha", connected.GetProperty("userId").GetString());
        Assert.False(string.IsNullOrEmpty(connected.GetProperty("connectionId").GetString()));
        Assert.True((await _server.Metadata.Clients.GetAsync("alpha"))!.Value.Online);
    }

    [Fact]
    public async Task Closing_the_last_connection_marks_the_client_offline()
    {
        var client = await RawHubClient.ConnectAsync(await NegotiateAsync("beta"));
        await client.ReceiveAsync();
        await client.DisposeAsync();

        await Poll.UntilAsync(async () => (await _server.Metadata.Clients.GetAsync("beta"))!.Value.Online == false, TimeSpan.FromSeconds(10), "client beta offline", interval: TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Every_request_with_an_ack_id_is_acked_and_a_repeated_ack_id_is_answered_duplicate()
    {
        await using var client = await ConnectedAsync("gamma");

        await client.SendAsync("""{"type":"event","event":"heartbeat","ackId":1,"dataType":"json","data":{}}""");
        var first = await client.AckAsync(1);
        Assert.True(first.GetProperty("success").GetBoolean());

        await client.SendAsync("""{"type":"event","event":"heartbeat","ackId":1,"dataType":"json","data":{}}""");
        var repeat = await client.AckAsync(1);
        Assert.False(repeat.GetProperty("success").GetBoolean());
        Assert.Equal("Duplicate", repeat.GetProperty("error").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_report_that_is_refused_is_acked_and_answered_with_a_receipt_that_says_why()
    {
        await using var client = await ConnectedAsync("delta");

        await client.SendAsync("""{"type":"event","event":"update","ackId":7,"dataType":"json","data":{"taskId":"t-1","sessionId":"nope","round":1,"numExamples":10}}""");
        Assert.True((await client.AckAsync(7)).GetProperty("success").GetBoolean());
        var receipt = await client.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message");

        Assert.Equal("server", receipt.GetProperty("from").GetString());
        Assert.Equal("json", receipt.GetProperty("dataType").GetString());
        var data = receipt.GetProperty("data");
        Assert.Equal("receipt", data.GetProperty("kind").GetString());
        Assert.Equal("update", data.GetProperty("receipt").GetProperty("event").GetString());
        Assert.Equal("t-1", data.GetProperty("receipt").GetProperty("taskId").GetString());
        Assert.False(data.GetProperty("receipt").GetProperty("accepted").GetBoolean());
        Assert.Contains("session 'nope' has no round 1", data.GetProperty("receipt").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Malformed_report_data_gets_a_receipt_naming_the_problem()
    {
        await using var client = await ConnectedAsync("epsilon");

        await client.SendAsync("""{"type":"event","event":"validation","ackId":2,"dataType":"json","data":{"round":"one"}}""");
        Assert.True((await client.AckAsync(2)).GetProperty("success").GetBoolean());
        var receipt = (await client.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message")).GetProperty("data").GetProperty("receipt");

        Assert.False(receipt.GetProperty("accepted").GetBoolean());
        Assert.Contains("not a valid ValidationReport", receipt.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Groups_that_the_token_does_not_grant_are_forbidden()
    {
        await using var client = await ConnectedAsync("zeta");

        await client.SendAsync("""{"type":"joinGroup","group":"everyone","ackId":3}""");
        var join = await client.AckAsync(3);
        await client.SendAsync("""{"type":"sendToGroup","group":"everyone","ackId":4,"dataType":"text","data":"hi"}""");
        var send = await client.AckAsync(4);

        Assert.Equal("Forbidden", join.GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("Forbidden", send.GetProperty("error").GetProperty("name").GetString());
        Assert.False(send.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Granted_groups_can_be_joined_and_messages_reach_their_members_but_only_the_granted_group()
    {
        var tokens = _server.App.Services.GetRequiredService<HubAccessTokens>();
        var audience = HubAccessTokens.Audience(_server.BaseUri, WebPubSubProtocol.DefaultHub);
        string[] roles = ["webpubsub.joinLeaveGroup.lab", "webpubsub.sendToGroup.lab"];
        await using var sender = await ConnectedAsync(HubUrl(tokens.Create(audience, "sender", TimeSpan.FromMinutes(5), roles)));
        await using var member = await ConnectedAsync(HubUrl(tokens.Create(audience, "member", TimeSpan.FromMinutes(5), groups: ["lab"])));

        await sender.SendAsync("""{"type":"joinGroup","group":"other","ackId":1}""");
        Assert.Equal("Forbidden", (await sender.AckAsync(1)).GetProperty("error").GetProperty("name").GetString());
        await sender.SendAsync("""{"type":"joinGroup","group":"lab","ackId":2}""");
        Assert.True((await sender.AckAsync(2)).GetProperty("success").GetBoolean());
        await sender.SendAsync("""{"type":"sendToGroup","group":"lab","ackId":3,"noEcho":true,"dataType":"json","data":{"hello":1}}""");
        Assert.True((await sender.AckAsync(3)).GetProperty("success").GetBoolean());

        var message = await member.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message");
        Assert.Equal("group", message.GetProperty("from").GetString());
        Assert.Equal("lab", message.GetProperty("group").GetString());
        Assert.Equal("sender", message.GetProperty("fromUserId").GetString());
        Assert.Equal(1, message.GetProperty("data").GetProperty("hello").GetInt32());
    }

    [Fact]
    public async Task Server_messages_reach_every_connection_of_the_client_and_no_one_else()
    {
        await using var first = await ConnectedAsync("eta");
        await using var second = await ConnectedAsync("eta");
        await using var other = await ConnectedAsync("theta");
        var hub = _server.App.Services.GetRequiredService<IClientHub>();

        await hub.SendToClientAsync("eta", ServerMessage.ForReceipt(new ReportReceipt("update", "t-9", true)));

        foreach (var connection in new[] { first, second })
        {
            var message = await connection.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message");
            Assert.Equal("server", message.GetProperty("from").GetString());
            Assert.Equal("t-9", message.GetProperty("data").GetProperty("receipt").GetProperty("taskId").GetString());
        }

        await other.SendAsync("""{"type":"event","event":"heartbeat","ackId":5,"dataType":"json","data":{}}""");
        var next = (await other.ReceiveAsync())!.Value;
        Assert.Equal("ack", next.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Unknown_requests_are_refused_as_bad_requests()
    {
        await using var client = await ConnectedAsync("iota");

        await client.SendAsync("""{"type":"publish","ackId":9}""");
        var ack = await client.AckAsync(9);

        Assert.Equal("BadRequest", ack.GetProperty("error").GetProperty("name").GetString());
        Assert.Contains("unknown request type 'publish'", ack.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_closes_the_connection_with_the_reason()
    {
        await using var client = await ConnectedAsync("kappa");

        var big = $$"""{"type":"event","event":"heartbeat","dataType":"text","data":"{{new string('x', 70 * 1024)}}"}""";
        await client.SendAsync(big);
        var disconnected = (await client.ReceiveAsync())!.Value;

        Assert.Equal("disconnected", disconnected.GetProperty("event").GetString());
        Assert.Contains("65536 bytes", disconnected.GetProperty("message").GetString());
        Assert.Null(await client.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task Requests_over_the_rate_limit_are_refused_with_too_many_requests()
    {
        await using var client = await ConnectedAsync("lambda");

        for (ulong id = 1; id <= 25; id++)
        {
            await client.SendAsync("{\"type\":\"event\",\"event\":\"heartbeat\",\"ackId\":" + id + ",\"dataType\":\"json\",\"data\":{}}");
        }

        List<string?> errors = [];
        for (ulong id = 1; id <= 25; id++)
        {
            var ack = await client.AckAsync(id);
            errors.Add(ack.GetProperty("success").GetBoolean() ? null : ack.GetProperty("error").GetProperty("name").GetString());
        }

        Assert.All(errors.Take(20), Assert.Null);
        Assert.Contains("TooManyRequests", errors.Skip(20));
    }

    [Fact]
    public async Task Connections_without_a_valid_token_or_the_subprotocol_are_refused()
    {
        var tokens = _server.App.Services.GetRequiredService<HubAccessTokens>();
        var audience = HubAccessTokens.Audience(_server.BaseUri, WebPubSubProtocol.DefaultHub);
        var hub = new Uri(HubUrl("x").GetLeftPart(UriPartial.Path));
        var valid = await NegotiateAsync("mu");

        Assert.Equal(HttpStatusCode.Unauthorized, await RawHubClient.RefusalAsync(hub));
        Assert.Equal(HttpStatusCode.Unauthorized, await RawHubClient.RefusalAsync(HubUrl(tokens.Create(audience, "mu", TimeSpan.FromMinutes(5)) + "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, await RawHubClient.RefusalAsync(HubUrl(tokens.Create("http://elsewhere/client/hubs/fedn", "mu", TimeSpan.FromMinutes(5)))));
        Assert.Equal(HttpStatusCode.Unauthorized, await RawHubClient.RefusalAsync(HubUrl(_server.AdminToken)));
        Assert.Equal(HttpStatusCode.Unauthorized, await RawHubClient.RefusalAsync(HubUrl(await ExpiredTokenAsync(audience))));
        Assert.Equal(HttpStatusCode.BadRequest, await RawHubClient.RefusalAsync(valid, subprotocol: null));
        Assert.Equal(HttpStatusCode.NotFound, await RawHubClient.RefusalAsync(new Uri(valid.ToString().Replace("/hubs/fedn", "/hubs/other", StringComparison.Ordinal))));
    }

    /// <summary>Signed with the server's own key two hours ago, valid for five minutes.</summary>
    private async Task<string> ExpiredTokenAsync(string audience)
    {
        var key = await AuthSigningKey.LoadAsync(null, _server.Options.DataDirectory);
        return new HubAccessTokens(key, new FixedTime(DateTimeOffset.UtcNow.AddHours(-2))).Create(audience, "mu", TimeSpan.FromMinutes(5));
    }

    private Task<Uri> NegotiateAsync(string clientId) => RawHubClient.NegotiateAsync(_server, clientId);

    private Uri HubUrl(string token) => new(_server.BaseUri.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "client/hubs/fedn?access_token=" + Uri.EscapeDataString(token));

    private Task<RawHubClient> ConnectedAsync(string clientId) => RawHubClient.ConnectedAsync(_server, clientId);

    private static Task<RawHubClient> ConnectedAsync(Uri url) => RawHubClient.ConnectedAsync(url);
}
