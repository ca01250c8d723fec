using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Reducer;
using FedN.Storage;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Server.Tests;

/// <summary>Admins delete sessions, models and clients; what a session that has not ended uses is refused.</summary>
public sealed class DeletionTests : IAsyncLifetime, IDisposable
{
    private RunningServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseUri };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_running_session_and_its_model_are_kept_until_it_has_ended_then_go_with_their_files()
    {
        // Session "s" waits for clients that never come: it stays running.
        await SessionSetup.StartAsync(_server, new SessionConfig { Rounds = 1, MinClients = 1 });
        var blobs = _server.App.Services.GetRequiredService<IBlobStore>();
        await blobs.UploadAsync(RoundLayout.SessionPrefixOf("s") + "rounds/000001/leftover.json", new MemoryStream([1]), BlobWriteMode.CreateOnly);
        await WaitForStatusAsync("s", SessionStatus.Running);

        using var runningSession = await DeleteAsync("sessions/s");
        using var seedInUse = await DeleteAsync("models/seed");
        using var noToken = await _http.SendWithTokenAsync(HttpMethod.Delete, "/api/v1/sessions/s", token: null);
        using var clientToken = await _http.SendWithTokenAsync(HttpMethod.Delete, "/api/v1/sessions/s", _server.ClientToken("c1"));
        await ProblemAsync(runningSession, HttpStatusCode.Conflict, "session 's' is running; stop it first");
        await ProblemAsync(seedInUse, HttpStatusCode.Conflict, "model 'seed' is in use by session 's' (running)");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clientToken.StatusCode);

        (await _http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/sessions/s/stop", _server.AdminToken)).Dispose();
        await WaitForStatusAsync("s", SessionStatus.Stopped);
        using var deleted = await DeleteAsync("sessions/s");
        using var again = await DeleteAsync("sessions/s");
        using var model = await DeleteAsync("models/seed");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(again, HttpStatusCode.NotFound, "no session 's'");
        Assert.Null(await _server.Metadata.Sessions.GetAsync("s"));
        Assert.Empty((await _server.Metadata.Rounds.ListAsync("s", new())).Items);
        Assert.Empty((await _server.Metadata.Events.ListAsync("s", new())).Items);
        await foreach (var left in blobs.ListAsync(RoundLayout.SessionPrefixOf("s")))
        {
            Assert.Fail($"{left.Path} was left behind");
        }

        Assert.Equal(HttpStatusCode.NoContent, model.StatusCode);
        Assert.Null(await _server.Metadata.Models.GetAsync("seed"));
        Assert.Null(await blobs.GetPropertiesAsync(RoundLayout.Model("seed")));
    }

    [Fact]
    public async Task A_model_with_descendants_and_a_connected_or_named_client_are_refused()
    {
        var blobs = _server.App.Services.GetRequiredService<IBlobStore>();
        foreach (var (id, parent) in new[] { ("a", (string?)null), ("b", "a") })
        {
            var stored = await blobs.UploadAsync(RoundLayout.Model(id), new MemoryStream(await SessionSetup.TinyModelAsync()), BlobWriteMode.CreateOnly);
            await _server.Metadata.Models.CreateAsync(new ModelRecord { Id = id, ParentId = parent, BlobPath = stored.Path, SizeBytes = stored.Length });
        }

        await _server.Metadata.Clients.RecordConnectedAsync("online", DateTimeOffset.UtcNow);
        await _server.Metadata.Clients.RecordConnectedAsync("named", DateTimeOffset.UtcNow);
        await _server.Metadata.Clients.RecordDisconnectedAsync("named", DateTimeOffset.UtcNow);
        await _server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "planned", SeedModelId = "b", Config = new SessionConfig { Clients = ["named"] } });

        using var hasChild = await DeleteAsync("models/a");
        using var online = await DeleteAsync("clients/online");
        using var named = await DeleteAsync("clients/named");
        using var neverStarted = await DeleteAsync("sessions/planned");
        using var nowFree = await DeleteAsync("clients/named");
        using var child = await DeleteAsync("models/b");
        using var thenParent = await DeleteAsync("models/a");

        await ProblemAsync(hasChild, HttpStatusCode.Conflict, "model 'a' is the parent of model 'b'");
        await ProblemAsync(online, HttpStatusCode.Conflict, "client 'online' is connected; revoke its token");
        await ProblemAsync(named, HttpStatusCode.Conflict, "client 'named' takes part in session 'planned' (created)");
        Assert.Equal(HttpStatusCode.NoContent, neverStarted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, nowFree.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, child.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, thenParent.StatusCode);
        Assert.Null(await _server.Metadata.Clients.GetAsync("named"));
    }

    private Task<HttpResponseMessage> DeleteAsync(string path) => _http.SendWithTokenAsync(HttpMethod.Delete, $"/api/v1/{path}", _server.AdminToken);

    private async Task WaitForStatusAsync(string id, SessionStatus status)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await _server.Metadata.Sessions.GetAsync(id))?.Value.Status == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"session '{id}' never became {status}");
    }

    private static async Task ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
