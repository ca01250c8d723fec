using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using FedN.Api;
using FedN.Core.Federation;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary><c>/api/v1/live</c>: server-sent events that tell a dashboard which part of the federation to read again.</summary>
public sealed class LiveApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_stream_needs_an_admin_token()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };

        using var anonymous = await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/live", token: null);
        using var asClient = await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/live", server.ClientToken("c1"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asClient.StatusCode);
    }

    [Fact]
    public async Task Watching_the_federation_names_every_part_once_and_then_what_changes()
    {
        await using var server = await RunningServer.StartAsync(options => options with { Api = new ControlPlaneOptions { LivePollInterval = TimeSpan.FromMilliseconds(100) } });
        await using var stream = await LiveStream.OpenAsync(server, "/api/v1/live");

        Assert.Equal(["clients", "sessions"], (await stream.NextAsync(2)).Select(item => item.EventType).Order());

        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "new", SeedModelId = "seed", Config = new SessionConfig() });
        Assert.Equal("sessions", (await stream.NextAsync(1))[0].EventType);

        await server.Metadata.Clients.RecordConnectedAsync("site-1", DateTimeOffset.UtcNow);
        Assert.Equal("clients", (await stream.NextAsync(1))[0].EventType);
    }

    [Fact]
    public async Task Watching_a_session_follows_its_record_rounds_and_events_while_it_runs()
    {
        await using var server = await RunningServer.StartAsync(options => options with { Api = new ControlPlaneOptions { LivePollInterval = TimeSpan.FromMilliseconds(100) } });
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await using var stream = await LiveStream.OpenAsync(server, "/api/v1/live?sessionId=s&clients=false");
        Assert.Equal(["events", "rounds", "session"], (await stream.NextAsync(3)).Select(item => item.EventType).Order());

        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, MinClients = 1, Validate = false });
        await SessionSetup.NextTaskAsync(site);

        // The session became running, round 1 opened, and "round.planned" was logged; each is named.
        HashSet<string> seen = [];
        while (!seen.IsSupersetOf(["session", "rounds", "events"]))
        {
            seen.Add((await stream.NextAsync(1))[0].EventType);
        }

        Assert.DoesNotContain("clients", seen);
    }

    /// <summary>One open stream, read event by event.</summary>
    private sealed class LiveStream : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly HttpResponseMessage _response;
        private readonly IAsyncEnumerator<SseItem<string>> _items;

        private LiveStream(HttpClient http, HttpResponseMessage response, Stream body)
        {
            _http = http;
            _response = response;
            _items = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
        }

        public static async Task<LiveStream> OpenAsync(RunningServer server, string path)
        {
            var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new LiveStream(http, response, await response.Content.ReadAsStreamAsync());
        }

        /// <summary>The next <paramref name="count"/> events that are not keep-alives.</summary>
        public async Task<List<SseItem<string>>> NextAsync(int count)
        {
            List<SseItem<string>> items = [];
            using var timeout = new CancellationTokenSource(Patience);
            while (items.Count < count)
            {
                Assert.True(await _items.MoveNextAsync().AsTask().WaitAsync(timeout.Token), "the stream ended");
                if (_items.Current.EventType != "keepalive")
                {
                    items.Add(_items.Current);
                }
            }

            return items;
        }

        public async ValueTask DisposeAsync()
        {
            _response.Dispose();
            await _items.DisposeAsync();
            _http.Dispose();
        }
    }
}
