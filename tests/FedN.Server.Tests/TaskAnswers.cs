using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Core.Safetensors;
using FedN.Storage;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Server.Tests;

/// <summary>What a client sends back for a task, as raw frames and over the task's own URLs.</summary>
internal static class TaskAnswers
{
    private static readonly HttpClient Http = new();

    /// <summary>An <c>update</c> event for <paramref name="task"/>, with the figures given.</summary>
    public static string Update(JsonElement task, ulong ackId, long examples, IReadOnlyDictionary<string, double>? metrics = null) => Event("update", ackId, new
    {
        taskId = task.GetProperty("taskId").GetString(),
        sessionId = task.GetProperty("sessionId").GetString(),
        round = task.GetProperty("round").GetInt32(),
        attempt = task.GetProperty("attempt").GetInt32(),
        shard = task.GetProperty("shard").GetInt32(),
        numExamples = examples,
        metrics,
    });

    /// <summary>A <c>validation</c> event for <paramref name="task"/>, with the figures given.</summary>
    public static string Validation(JsonElement task, ulong ackId, long examples, IReadOnlyDictionary<string, double> metrics) => Event("validation", ackId, new
    {
        taskId = task.GetProperty("taskId").GetString(),
        sessionId = task.GetProperty("sessionId").GetString(),
        round = task.GetProperty("round").GetInt32(),
        modelId = task.GetProperty("modelId").GetString(),
        numExamples = examples,
        metrics,
    });

    /// <summary>Sends <paramref name="frame"/> (whose ack id is <paramref name="ackId"/>) and returns the receipt.</summary>
    public static async Task<JsonElement> SendAsync(RawHubClient connection, string frame, ulong ackId)
    {
        await connection.SendAsync(frame);
        await connection.AckAsync(ackId);
        return await ReceiptAsync(connection);
    }

    /// <summary>The next receipt on <paramref name="connection"/>.</summary>
    public static async Task<JsonElement> ReceiptAsync(RawHubClient connection) =>
        (await connection.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "message" && frame.GetProperty("data").GetProperty("kind").GetString() == "receipt")).GetProperty("data").GetProperty("receipt");

    /// <summary>Asserts the receipt accepted the report.</summary>
    public static void AssertAccepted(JsonElement receipt) =>
        Assert.True(receipt.GetProperty("accepted").GetBoolean(), $"the report was refused: {receipt}");

    /// <summary>Asserts the receipt refused the report with a reason containing <paramref name="reason"/>.</summary>
    public static void AssertRefused(JsonElement receipt, string reason)
    {
        Assert.False(receipt.GetProperty("accepted").GetBoolean(), $"the report was accepted: {receipt}");
        Assert.Contains(reason, receipt.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Downloads the task's model.</summary>
    public static Task<byte[]> ModelAsync(JsonElement task) => Http.GetByteArrayAsync(task.GetProperty("modelUrl").GetString());

    /// <summary>Uploads <paramref name="update"/> over the task's upload URL.</summary>
    public static async Task UploadAsync(JsonElement task, byte[] update)
    {
        using var upload = new HttpRequestMessage(HttpMethod.Put, task.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(update) };
        upload.Headers.Add("x-ms-blob-type", "BlockBlob");
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await Http.SendAsync(upload)).EnsureSuccessStatusCode();
    }

    /// <summary>A model shaped as <see cref="SessionSetup.TinyModelAsync"/>'s with <paramref name="values"/>.</summary>
    public static async Task<byte[]> TinyModelAsync(params float[] values)
    {
        var header = SafetensorsHeader.Create([new TensorDeclaration("w", DType.F32, [values.Length])]);
        var output = new MemoryStream();
        await using (var writer = await SafetensorsWriter.CreateAsync(output, header, leaveOpen: true))
        {
            await writer.WriteAsync(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
            await writer.CompleteAsync();
        }

        return output.ToArray();
    }

    /// <summary>The values of tensor "w" of the model round <paramref name="number"/> of session "s" committed.</summary>
    public static async Task<float[]> CommittedValuesAsync(RunningServer server, int number)
    {
        var round = (await server.Metadata.Rounds.GetAsync("s", number))!.Value;
        Assert.True(round.Status == RoundStatus.Committed, $"round {number} is {round.Status}: {round.Message}");
        var model = (await server.Metadata.Models.GetAsync(round.OutputModelId!))!.Value;
        await using var stream = await server.App.Services.GetRequiredService<IBlobStore>().OpenReadAsync(model.BlobPath);
        await using var reader = await SafetensorsReader.OpenAsync(stream);
        var tensor = reader.Header.Tensors.Single();
        var bytes = new byte[tensor.ByteLength];
        await reader.ReadAsync(tensor, 0, bytes);
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>Waits for round <paramref name="number"/> of session "s" to end.</summary>
    public static async Task<RoundRecord> EndedRoundAsync(RunningServer server, int number)
    {
        RoundRecord? ended = null;
        await Poll.UntilAsync(async () => (ended = (await server.Metadata.Rounds.GetAsync("s", number))?.Value) is { EndedAt: not null }, TimeSpan.FromSeconds(60), $"round {number} to end");
        return ended!;
    }

    private static string Event(string name, ulong ackId, object data) =>
        JsonSerializer.Serialize(new { type = "event", @event = name, ackId, dataType = "json", data });
}
