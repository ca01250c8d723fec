using System.Net.WebSockets;
using System.Text;
using FedN.Contracts.Messaging;
using FedN.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FedN.Client.Tests;

/// <summary>The SDK's side of the protocol against a hand-written peer: what a newer or another server could send.</summary>
public sealed class WebPubSubConnectionTests
{
    [Fact]
    public async Task Messages_of_kinds_the_client_does_not_know_are_skipped_and_the_connection_carries_on()
    {
        var address = LocalServerOptions.FreeLoopbackUri();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(address.ToString());
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Map("/client/hubs/fedn", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(WebPubSubProtocol.Subprotocol);
            foreach (var frame in new[]
            {
                """{"type":"system","event":"connected","userId":"c1","connectionId":"x"}""",
                """{"type":"message","from":"server","dataType":"json","data":{"kind":"predict","predict":{"modelId":"m"}}}""",
                """{"type":"message","from":"server","dataType":"json","data":{"kind":"task","task":{"taskId":"t","kind":"forecast"}}}""",
                """{"type":"message","from":"server","dataType":"json","data":{"kind":"receipt","receipt":{"event":"update","taskId":"t-2","accepted":true}}}""",
            })
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            await socket.ReceiveAsync(new byte[16], CancellationToken.None);
        });
        await app.StartAsync();

        await using var connection = await WebPubSubConnection.ConnectAsync(new Uri(address.ToString().Replace("http", "ws", StringComparison.Ordinal) + "client/hubs/fedn"), TimeSpan.FromSeconds(10), CancellationToken.None);
        var first = await connection.Messages.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("c1", connection.UserId);
        Assert.Equal(ServerMessageKind.Receipt, first.Kind);
        Assert.Equal("t-2", first.Receipt!.TaskId);
    }
}
