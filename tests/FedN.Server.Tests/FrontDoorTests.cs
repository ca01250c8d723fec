using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>What reaches the server before anyone is authenticated: nothing is read for a caller without a token, and nothing of the request steers the addresses the server hands out.</summary>
public sealed class FrontDoorTests
{
    [Fact]
    public async Task A_request_without_a_token_is_refused_before_its_body_is_read_and_json_bodies_are_small()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };

        // Not JSON at all: had the body been parsed first, this would be a 400.
        using (var anonymous = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/sessions", token: null, new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var wrongToken = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/sessions", "not-a-token", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        }

        var huge = "{\"id\":\"" + new string('x', 2 << 20) + "\"}";
        // The server answers once the body passes its limit, while the client may still be sending:
        // the client then sees either the answer or the connection closing under its upload.
        HttpStatusCode? refused = null;
        try
        {
            using var tooLarge = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/sessions", server.AdminToken, new StringContent(huge, Encoding.UTF8, "application/json"));
            refused = tooLarge.StatusCode;
        }
        catch (HttpRequestException cut) when (cut.InnerException is IOException)
        {
        }

        Assert.True(refused is null or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"a 2 MiB session request got {refused}");
        Assert.Null(await server.Metadata.Sessions.GetAsync(new string('x', 2 << 20)[..10]));
    }

    [Fact]
    public async Task A_malformed_host_header_is_a_400_not_a_server_error()
    {
        await using var server = await RunningServer.StartAsync();
        var response = await RawRequestAsync(server,
            $"POST /api/v1/clients/connect HTTP/1.1\r\nHost: localhost:99999\r\nAuthorization: Bearer {server.ClientToken("site")}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_public_url_negotiate_hands_out_its_address_whatever_the_host_header_says_and_the_hub_takes_tokens_bound_to_it()
    {
        var publicUri = new Uri("https://fedn.example.org/");
        await using var server = await RunningServer.StartAsync(options => options with { PublicUri = publicUri });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "/api/v1/clients/connect"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.ClientToken("site"));
        request.Headers.Host = "attacker.example";
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var url = new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
        Assert.Equal("wss", url.Scheme);
        Assert.Equal("fedn.example.org", url.Host);

        // The proxy in front forwards to the server's own address: the token still holds there.
        var direct = new UriBuilder(url) { Scheme = "ws", Host = server.BaseUri.Host, Port = server.BaseUri.Port }.Uri;
        await using var client = await RawHubClient.ConnectedAsync(direct);
    }

    [Fact]
    public async Task The_data_directory_is_private_to_its_owner()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var parent = Directory.CreateTempSubdirectory("fedn-private-").FullName;
        var data = Path.Combine(parent, "data");
        try
        {
            await using (var server = await RunningServer.StartAsync(dataDirectory: data))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            }
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    private static async Task<string> RawRequestAsync(RunningServer server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }
}

/// <summary>What a first user's slightly wrong requests get: the status and words that say what to fix.</summary>
public sealed class FirstUserRequestTests
{
    [Fact]
    public async Task A_model_upload_without_its_content_type_is_401_without_a_token_and_415_with_one_and_a_text_file_is_named_as_such()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using (var anonymous = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/models", token: null, new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var form = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/models", server.AdminToken, new StringContent("x", Encoding.UTF8, "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
            Assert.Contains("Content-Type: application/octet-stream", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var text = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/models", server.AdminToken, ApiRequests.ModelContent(Encoding.UTF8.GetBytes("epoch,loss\n1,0.5\n2,0.3\n")));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Contains("this is not a safetensors file: it starts with text", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_sessions_status_gives_the_round_in_progress_and_its_real_phase()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, new FedN.Contracts.Federation.SessionConfig { Rounds = 2, RoundTimeout = TimeSpan.FromMinutes(1), QuorumGrace = TimeSpan.FromSeconds(1), Validate = false });
        var task = await SessionSetup.NextTaskAsync(site);
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var status = await (await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/sessions/s/status", server.AdminToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, "training"), (status.GetProperty("round").GetInt32(), status.GetProperty("phase").GetString()));

        await TaskAnswers.UploadAsync(task, await TaskAnswers.TinyModelAsync(1, 1, 1, 1));
        TaskAnswers.AssertAccepted(await TaskAnswers.SendAsync(site, TaskAnswers.Update(task, 1, 10), 1));
        await SessionSetup.NextTaskAsync(site);
        status = await (await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/sessions/s/status", server.AdminToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, "training"), (status.GetProperty("round").GetInt32(), status.GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task Stopping_a_session_that_has_ended_says_so()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Metadata.Sessions.CreateAsync(new FedN.Contracts.Federation.SessionRecord { Id = "done", SeedModelId = "seed", Config = new FedN.Contracts.Federation.SessionConfig(), Status = FedN.Contracts.Federation.SessionStatus.Completed });
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var stop = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/sessions/done/stop", server.AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Contains("session 'done' has already ended (completed); there is nothing to stop", await stop.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
