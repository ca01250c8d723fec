using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Core.Safetensors;
using FedN.Reducer;
using FedN.Storage;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Server.Tests;

/// <summary>Sessions for tests that play the client with raw frames.</summary>
internal static class SessionSetup
{
    /// <summary>Stores a small seed model and starts session "s" on it.</summary>
    public static async Task StartAsync(RunningServer server, SessionConfig config)
    {
        var blobs = server.App.Services.GetRequiredService<IBlobStore>();
        var seed = await blobs.UploadAsync(RoundLayout.Model("seed"), new MemoryStream(await TinyModelAsync()), BlobWriteMode.CreateOnly);
        await server.Metadata.Models.CreateAsync(new ModelRecord { Id = "seed", BlobPath = seed.Path, SizeBytes = seed.Length });
        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "s", SeedModelId = "seed", Config = config });
        await server.App.Services.GetRequiredService<SessionControl>().StartAsync("s");
    }

    /// <summary>A valid safetensors model of one F32 tensor of four zeros.</summary>
    public static async Task<byte[]> TinyModelAsync()
    {
        var header = SafetensorsHeader.Create([new TensorDeclaration("w", DType.F32, [4])]);
        var output = new MemoryStream();
        await using (var writer = await SafetensorsWriter.CreateAsync(output, header, leaveOpen: true))
        {
            await writer.WriteAsync(new byte[16]);
            await writer.CompleteAsync();
        }

        return output.ToArray();
    }

    /// <summary>The data of the next task message.</summary>
    public static async Task<JsonElement> NextTaskAsync(RawHubClient client)
    {
        var message = await client.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message", TimeSpan.FromSeconds(20));
        Assert.Equal("task", message.GetProperty("data").GetProperty("kind").GetString());
        return message.GetProperty("data").GetProperty("task");
    }
}
