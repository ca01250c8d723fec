using System.Text.Json;
using FedN.Core.Federation;
using FedN.Core.Safetensors;
using FedN.Core.Storage;
using FedN.Reducer;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Server.Tests;

/// <summary>A client that reconnects during a round gets its task again, so a dropped connection does not cost the round its update.</summary>
public sealed class OpenTaskTests
{
    [Fact]
    public async Task A_reconnecting_client_is_sent_its_open_task_right_after_connected()
    {
        await using var server = await RunningServer.StartAsync();
        var first = await RawHubClient.ConnectedAsync(server, "site");
        await StartSessionAsync(server);

        var task = await NextTaskAsync(first);
        await first.DisposeAsync();
        await using var second = await RawHubClient.ConnectedAsync(server, "site");
        var again = await NextTaskAsync(second);

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
        await StartSessionAsync(server);
        await NextTaskAsync(planned);

        await using var late = await RawHubClient.ConnectedAsync(server, "newcomer");
        await late.SendAsync("""{"type":"event","event":"heartbeat","ackId":1,"dataType":"json","data":{}}""");
        var next = (await late.ReceiveAsync())!.Value;

        Assert.Equal("ack", next.GetProperty("type").GetString());
    }

    private static async Task StartSessionAsync(RunningServer server)
    {
        var header = SafetensorsHeader.Create([new TensorDeclaration("w", DType.F32, [4])]);
        var model = new MemoryStream();
        await using (var writer = await SafetensorsWriter.CreateAsync(model, header, leaveOpen: true))
        {
            await writer.WriteAsync(new byte[16]);
            await writer.CompleteAsync();
        }

        model.Position = 0;
        var blobs = server.App.Services.GetRequiredService<IBlobStore>();
        var seed = await blobs.UploadAsync(RoundLayout.Model("seed"), model, BlobWriteMode.CreateOnly);
        await server.Metadata.Models.CreateAsync(new ModelRecord { Id = "seed", BlobPath = seed.Path, SizeBytes = seed.Length });
        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "s", SeedModelId = "seed", Config = new SessionConfig { Rounds = 1, RoundTimeout = TimeSpan.FromMinutes(2), MinClients = 1 } });
        await server.App.Services.GetRequiredService<SessionControl>().StartAsync("s");
    }

    private static async Task<JsonElement> NextTaskAsync(RawHubClient client)
    {
        var message = await client.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message", TimeSpan.FromSeconds(20));
        Assert.Equal("task", message.GetProperty("data").GetProperty("kind").GetString());
        return message.GetProperty("data").GetProperty("task");
    }
}
