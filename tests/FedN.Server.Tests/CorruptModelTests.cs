using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Storage;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FedN.Server.Tests.TaskAnswers;

namespace FedN.Server.Tests;

/// <summary>A model's file is checked against its recorded size and SHA-256 before it is served or trained on.</summary>
public sealed class CorruptModelTests
{
    [Fact]
    public async Task A_committed_models_digest_is_recorded_and_a_damaged_file_is_refused_by_name_when_served_or_used()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, RoundTimeout = TimeSpan.FromSeconds(30), QuorumGrace = TimeSpan.FromSeconds(1), Validate = false });
        var task = await SessionSetup.NextTaskAsync(site);
        await UploadAsync(task, await TinyModelAsync(1, 2, 3, 4));
        AssertAccepted(await SendAsync(site, Update(task, 1, 10), 1));
        await EndedRoundAsync(server, 1);
        await CommittedValuesAsync(server, 1);

        var file = Directory.EnumerateFiles(server.Options.DataDirectory, "s-round-1.safetensors", SearchOption.AllDirectories).Single();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var record = await (await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/models/s-round-1", server.AdminToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))), record.GetProperty("sha256").GetString());

        // One bit flipped in the data: same size, another digest.
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);
        await AssertCorruptAsync(http, server, "model 's-round-1' is corrupt: its file's SHA-256 is");

        // A session started from it fails before any client gets the model, saying which model and why.
        var started = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/sessions", server.AdminToken,
            JsonContent.Create(new { id = "next", seedModelId = "s-round-1", start = true, config = new { rounds = 1, roundTimeout = "00:00:30" } }));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        SessionRecord? session = null;
        await Poll.UntilAsync(async () => (session = (await server.Metadata.Sessions.GetAsync("next"))?.Value) is { Status: SessionStatus.Failed or SessionStatus.Completed }, TimeSpan.FromSeconds(60), "the session from the damaged model to end");
        Assert.Equal(SessionStatus.Failed, session!.Status);
        Assert.Contains("model 's-round-1' is corrupt", session.Message, StringComparison.Ordinal);
        Assert.Equal(RoundStatus.Failed, (await server.Metadata.Rounds.GetAsync("next", 1))!.Value.Status);

        await File.WriteAllBytesAsync(file, bytes[..^3]);
        await AssertCorruptAsync(http, server, $"its file has {bytes.Length - 3} bytes, but {bytes.Length} were recorded");
        File.Delete(file);
        await AssertCorruptAsync(http, server, "model 's-round-1' is on the trail but its file 'models/s-round-1.safetensors' is missing from storage");
    }

    [Fact]
    public async Task An_uploaded_model_records_its_digest_and_the_ids_sessions_commit_under_are_reserved()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var model = await TinyModelAsync(1, 2, 3, 4);
        using var uploaded = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/models?id=mine", server.AdminToken, ApiRequests.ModelContent(model));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString());

        using var squatted = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/models?id=s-round-2", server.AdminToken, ApiRequests.ModelContent(model));
        Assert.Equal(HttpStatusCode.BadRequest, squatted.StatusCode);
        Assert.Contains("model id 's-round-2' is reserved", await squatted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await server.App.Services.GetRequiredService<IBlobStore>().GetPropertiesAsync("models/s-round-2.safetensors"));
    }

    private static async Task AssertCorruptAsync(HttpClient http, RunningServer server, string detail)
    {
        using var response = await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/models/s-round-1/content", server.AdminToken);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
