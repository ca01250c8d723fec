using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FedN.Api;
using FedN.Channel;
using FedN.Hosting;
using FedN.Orchestration;
using FedN.Orchestration.Local;
using FedN.Security;
using FedN.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedN.Server.Tests;

/// <summary>
/// The control-plane API served the way the Functions app serves it: one catch-all endpoint that
/// hands every request to <see cref="ControlPlaneDispatcher"/>, in a host whose services come from
/// <see cref="FedNServiceCollectionExtensions.AddFedN"/>. The stores, hub and orchestration runner are
/// a running local server's, so what the front host does is visible there.
/// </summary>
public sealed class ControlPlaneDispatcherTests : IAsyncLifetime, IDisposable
{
    private RunningServer _server = null!;
    private WebApplication _front = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        var frontUri = LocalServerOptions.FreeLoopbackUri();
        builder.WebHost.UseUrls(frontUri.ToString());
        builder.Logging.ClearProviders();
        var key = await AuthSigningKey.LoadAsync(null, _server.Options.DataDirectory);
        builder.Services.AddFedN(_server.App.Services.GetRequiredService<FedNStores>(), key, RunningServer.FastReducer);
        builder.Services.AddSingleton(_server.App.Services.GetRequiredService<IClientHub>());
        // Instances, not factories: the front host must not dispose the server's runner.
        builder.Services.AddSingleton<IOrchestrationClient>(_server.App.Services.GetRequiredService<LocalOrchestrationRunner>());
        builder.Services.AddSingleton(provider => new ControlPlaneDispatcher(provider));
        _front = builder.Build();
        // What the Functions host does: its own route matches first, then the function runs.
        _front.Map("/api/{**rest}", (HttpContext context, ControlPlaneDispatcher api) => api.InvokeAsync(context));
        await _front.StartAsync();
        _http = new HttpClient { BaseAddress = frontUri };
    }

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        await _server.DisposeAsync();
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Roles_problem_details_and_the_OpenAPI_document_are_those_of_the_local_server()
    {
        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/sessions", token: null);
        using var asClient = await SendAsync(HttpMethod.Get, "/api/v1/sessions", _server.ClientToken("c1"));
        using var unknown = await SendAsync(HttpMethod.Get, "/api/v1/nothing-here", _server.AdminToken);
        using var openApi = await SendAsync(HttpMethod.Get, "/api/v1/openapi.json", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, asClient.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no API route '/api/v1/nothing-here'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var document = await openApi.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/sessions/{id}/status", out _));
    }

    [Fact]
    public async Task The_live_stream_reaches_the_watcher_through_the_dispatcher_event_by_event()
    {
        // The stream lasts minutes: an event that arrives now was not held back until the response ended.
        await using var stream = await LiveStream.OpenAsync(_http.BaseAddress!, _server.AdminToken, "/api/v1/live");

        Assert.Equal(["clients", "sessions"], (await stream.NextAsync(2)).Select(item => item.EventType).Order());
    }

    [Fact]
    public async Task A_session_created_and_started_through_the_dispatcher_runs_on_the_orchestration_client()
    {
        using var upload = await SendAsync(HttpMethod.Post, "/api/v1/models?id=seed", _server.AdminToken, ApiRequests.ModelContent(await SessionSetup.TinyModelAsync()));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        using var create = await SendAsync(HttpMethod.Post, "/api/v1/sessions", _server.AdminToken, JsonContent.Create(new
        {
            id = "s1",
            seedModelId = "seed",
            config = new { rounds = 1, minClients = 1, roundTimeout = "00:00:02" },
            start = true,
        }));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);

        // Nobody connects, so the round fails at its deadline: the status comes from the orchestration the dispatcher started.
        await Poll.UntilAsync(async () =>
        {
            using var status = await SendAsync(HttpMethod.Get, "/api/v1/sessions/s1/status", _server.AdminToken);
            var body = await status.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("status").GetString() == "failed";
        }, TimeSpan.FromSeconds(30), "session s1 to fail for want of clients");
        var instance = await _server.App.Services.GetRequiredService<IOrchestrationClient>().GetInstanceAsync("session:s1");
        Assert.NotNull(instance);
    }

    [Fact]
    public async Task Negotiate_answers_a_client_with_its_hub_url()
    {
        using var connect = await SendAsync(HttpMethod.Post, "/api/v1/clients/connect", _server.ClientToken("c9"));

        Assert.Equal(HttpStatusCode.OK, connect.StatusCode);
        var body = await connect.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/client/hubs/fedn", body.GetProperty("baseUrl").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null) =>
        _http.SendWithTokenAsync(method, path, token, content);
}
