using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>The control-plane API over real HTTP: roles, problem details, models, sessions, paging, negotiate, OpenAPI.</summary>
public sealed class ControlPlaneApiTests : IAsyncLifetime, IDisposable
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
    public async Task Control_operations_need_an_admin_token_and_say_what_to_do_without_one()
    {
        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/sessions", token: null);
        using var asClient = await SendAsync(HttpMethod.Get, "/api/v1/sessions", _server.ClientToken("c1"));
        using var forged = await SendAsync(HttpMethod.Get, "/api/v1/sessions", _server.AdminToken[..^4] + "AAAA");

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "--role admin");
        await AssertProblemAsync(asClient, HttpStatusCode.Forbidden, "needs an admin token");
        await AssertProblemAsync(forged, HttpStatusCode.Unauthorized, "signature");
    }

    [Fact]
    public async Task Negotiate_needs_the_clients_own_token_and_returns_a_scoped_websocket_url()
    {
        using var asAdmin = await SendAsync(HttpMethod.Post, "/api/v1/clients/connect", _server.AdminToken);
        using var asClient = await SendAsync(HttpMethod.Post, "/api/v1/clients/connect", _server.ClientToken("c7"));

        await AssertProblemAsync(asAdmin, HttpStatusCode.Forbidden, "client token");
        Assert.Equal(HttpStatusCode.OK, asClient.StatusCode);
        var body = await asClient.Content.ReadFromJsonAsync<JsonElement>();
        var url = new Uri(body.GetProperty("url").GetString()!);
        Assert.Equal("ws", url.Scheme);
        Assert.Equal("/client/hubs/fedn", url.AbsolutePath);
        Assert.Equal(url.GetLeftPart(UriPartial.Path), body.GetProperty("baseUrl").GetString());
        var token = body.GetProperty("accessToken").GetString()!;
        Assert.Contains(Uri.EscapeDataString(token), url.Query, StringComparison.Ordinal);
        var claims = JsonDocument.Parse(Base64Url(token.Split('.')[1])).RootElement;
        Assert.Equal("c7", claims.GetProperty("sub").GetString());
        Assert.Equal($"http://{_server.BaseUri.Authority}/client/hubs/fedn", claims.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task A_model_upload_is_checked_before_it_is_stored_and_never_overwrites()
    {
        using var bad = await UploadAsync("bad-seed", Encoding.UTF8.GetBytes("not a model"));
        using var good = await UploadAsync("seed", await SessionSetup.TinyModelAsync());
        using var again = await UploadAsync("seed", await SessionSetup.TinyModelAsync());
        using var missing = await SendAsync(HttpMethod.Get, "/api/v1/models/bad-seed", _server.AdminToken);
        using var download = await SendAsync(HttpMethod.Get, "/api/v1/models/seed/content", _server.AdminToken);

        await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "not a valid safetensors model");
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        await AssertProblemAsync(again, HttpStatusCode.Conflict, "never overwritten");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "no model 'bad-seed'");
        Assert.Equal(await SessionSetup.TinyModelAsync(), await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Sessions_are_created_with_checked_configuration_and_listed_a_page_at_a_time()
    {
        using (await UploadAsync("seed", await SessionSetup.TinyModelAsync()))
        {
        }

        using var badConfig = await SendJsonAsync("/api/v1/sessions", new { id = "s0", config = new { rounds = 0 } });
        using var badSeed = await SendJsonAsync("/api/v1/sessions", new { id = "s0", seedModelId = "ghost" });
        await AssertProblemAsync(badConfig, HttpStatusCode.BadRequest, "rounds");
        await AssertProblemAsync(badSeed, HttpStatusCode.BadRequest, "seed model 'ghost' does not exist");

        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            using var created = await SendJsonAsync("/api/v1/sessions", new { id, config = new { rounds = 2, roundTimeout = "00:01:00" } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var session = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("seed", session.GetProperty("seedModelId").GetString());
            Assert.Equal("created", session.GetProperty("status").GetString());
        }

        using var duplicate = await SendJsonAsync("/api/v1/sessions", new { id = "s1" });
        await AssertProblemAsync(duplicate, HttpStatusCode.Conflict, "session 's1' already exists");

        using var first = await SendAsync(HttpMethod.Get, "/api/v1/sessions?pageSize=2", _server.AdminToken);
        var page = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var next = page.GetProperty("continuationToken").GetString()!;
        using var second = await SendAsync(HttpMethod.Get, $"/api/v1/sessions?pageSize=2&continuationToken={Uri.EscapeDataString(next)}", _server.AdminToken);
        var rest = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, rest.GetProperty("items").GetArrayLength());
        Assert.False(rest.TryGetProperty("continuationToken", out _));

        using var tooBig = await SendAsync(HttpMethod.Get, "/api/v1/sessions?pageSize=5000", _server.AdminToken);
        await AssertProblemAsync(tooBig, HttpStatusCode.BadRequest, "pageSize 5000");
        using var status = await SendAsync(HttpMethod.Get, "/api/v1/sessions/s2/status", _server.AdminToken);
        Assert.Equal("created", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        using var unknown = await SendAsync(HttpMethod.Post, "/api/v1/sessions/nope/start", _server.AdminToken);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "no session 'nope'");
    }

    [Fact]
    public async Task The_registry_is_listed_and_a_session_shows_its_defences_and_the_privacy_it_spent()
    {
        using (await UploadAsync("seed", await SessionSetup.TinyModelAsync()))
        {
        }

        using var listed = await SendAsync(HttpMethod.Get, "/api/v1/aggregators", _server.AdminToken);
        var aggregators = await listed.Content.ReadFromJsonAsync<JsonElement>();
        var names = aggregators.EnumerateArray().Select(a => a.GetProperty("name").GetString()!).ToList();
        Assert.Equal(Core.Aggregation.Aggregators.Names, names);
        var trimmed = aggregators.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "trimmed-mean");
        Assert.False(trimmed.GetProperty("isLinear").GetBoolean());
        Assert.Equal("in [0, 0.5)", trimmed.GetProperty("hyperparameters")[0].GetProperty("range").GetString());

        using var krumTooFew = await SendJsonAsync("/api/v1/sessions", new { id = "k", config = new { aggregator = "krum", minClients = 2 } });
        await AssertProblemAsync(krumTooFew, HttpStatusCode.BadRequest, "krum with defaults needs at least 5 updates a round");

        using var created = await SendJsonAsync("/api/v1/sessions", new
        {
            id = "dp",
            config = new { aggregator = "dp-fedavg", hyperparameters = new { clipNorm = 1.5, noiseMultiplier = 1.1 }, updateNormBound = 3.0, maxExampleWeight = 5000 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var read = await SendAsync(HttpMethod.Get, "/api/v1/sessions/dp", _server.AdminToken);
        var session = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["central DP, clipping at 1.5, noise σ 1.1", "norm bound 3 (clip)", "example weight capped at 5000"],
            session.GetProperty("defences").EnumerateArray().Select(d => d.GetString()));
        var privacy = session.GetProperty("privacy");
        Assert.Equal(0, privacy.GetProperty("rounds").GetInt32());
        Assert.Equal(0, privacy.GetProperty("epsilon").GetDouble()); // before the first round nothing is spent
        Assert.Equal(1e-5, privacy.GetProperty("delta").GetDouble());
    }

    [Fact]
    public async Task An_admin_mints_client_tokens_that_connect_that_client_only()
    {
        using var minted = await SendJsonAsync("/api/v1/tokens", new { role = "client", clientId = "site-3", days = 2 });
        var token = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var connect = await SendAsync(HttpMethod.Post, "/api/v1/clients/connect", token);
        using var invalid = await SendJsonAsync("/api/v1/tokens", new { role = "client", clientId = "../etc" });

        var accessToken = (await connect.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.Equal("site-3", JsonDocument.Parse(Base64Url(accessToken.Split('.')[1])).RootElement.GetProperty("sub").GetString());
        await AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "invalid client id");
    }

    [Fact]
    public async Task The_openapi_document_lists_every_resource_and_unknown_routes_are_problems()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToHashSet();
        using var unknown = await SendAsync(HttpMethod.Get, "/api/v1/nothing-here", _server.AdminToken);

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        foreach (var expected in new[] { "/api/v1/models", "/api/v1/models/{id}/trail", "/api/v1/sessions", "/api/v1/sessions/{id}/start", "/api/v1/sessions/{id}/rounds/{round}", "/api/v1/sessions/{id}/validations", "/api/v1/clients", "/api/v1/clients/connect", "/api/v1/events", "/api/v1/tokens" })
        {
            Assert.Contains(expected, paths);
        }

        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "openapi.json");
    }

    [Fact]
    public async Task A_body_with_a_key_that_is_no_setting_is_refused_naming_it_and_nothing_is_created()
    {
        using (await UploadAsync("seed", await SessionSetup.TinyModelAsync()))
        {
        }

        using var typoAtTop = await SendJsonAsync("/api/v1/sessions", new { id = "t1", roundz = 3 });
        using var typoInConfig = await SendJsonAsync("/api/v1/sessions", new { id = "t2", config = new { rounds = 2, aggregatr = "fedadam" } });
        using var wrongKind = await SendJsonAsync("/api/v1/sessions", new { id = "t3", config = new { rounds = "two" } });
        using var unusedHyperparameter = await SendJsonAsync("/api/v1/sessions", new { id = "t4", config = new { hyperparameters = new { momentum = 0.5 } } });
        using var alias = await SendJsonAsync("/api/v1/sessions", new { id = "t5", config = new { aggregator = "fedadam", hyperparameters = new { server_lr = 0.05 } } });
        using var broken = await SendAsync(HttpMethod.Post, "/api/v1/sessions", _server.AdminToken, new StringContent("{\"id\":", Encoding.UTF8, "application/json"));
        using var sessions = await SendAsync(HttpMethod.Get, "/api/v1/sessions", _server.AdminToken);

        await AssertProblemAsync(typoAtTop, HttpStatusCode.BadRequest, "unknown setting 'roundz'; the settings are: id, name, seedModelId, config, start");
        await AssertProblemAsync(typoInConfig, HttpStatusCode.BadRequest, "unknown setting 'config.aggregatr' (did you mean 'aggregator'?)");
        await AssertProblemAsync(wrongKind, HttpStatusCode.BadRequest, "'config.rounds' must be a whole number");
        await AssertProblemAsync(unusedHyperparameter, HttpStatusCode.BadRequest, "fedavg does not take momentum");
        await AssertProblemAsync(broken, HttpStatusCode.BadRequest, "not valid JSON");
        Assert.Equal(HttpStatusCode.Created, alias.StatusCode);
        Assert.Equal(0.05, (await alias.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").GetProperty("hyperparameters").GetProperty("serverLearningRate").GetDouble());
        var ids = (await sessions.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(["t5"], ids);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null) =>
        _http.SendWithTokenAsync(method, path, token, content);

    private Task<HttpResponseMessage> SendJsonAsync(string path, object body) => SendAsync(HttpMethod.Post, path, _server.AdminToken, JsonContent.Create(body));

    private Task<HttpResponseMessage> UploadAsync(string id, byte[] model) =>
        SendAsync(HttpMethod.Post, $"/api/v1/models?id={id}", _server.AdminToken, ApiRequests.ModelContent(model));

    private static byte[] Base64Url(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
