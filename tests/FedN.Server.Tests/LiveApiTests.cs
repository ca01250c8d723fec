using System.Net;
using FedN.Api;
using FedN.Contracts.Federation;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary><c>/api/v1/live</c>: server-sent events that tell a dashboard which part of the federation to read again.</summary>
public sealed class LiveApiTests
{
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
        await using var server = await StartPollingFastAsync();
        await using var stream = await LiveStream.OpenAsync(server.BaseUri, server.AdminToken, "/api/v1/live");

        Assert.Equal(["clients", "sessions"], (await stream.NextAsync(2)).Select(item => item.EventType).Order());

        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "new", SeedModelId = "seed", Config = new SessionConfig() });
        Assert.Equal("sessions", (await stream.NextAsync(1))[0].EventType);

        await server.Metadata.Clients.RecordConnectedAsync("site-1", DateTimeOffset.UtcNow);
        Assert.Equal("clients", (await stream.NextAsync(1))[0].EventType);
    }

    [Fact]
    public async Task Watching_a_session_follows_its_record_rounds_and_events_while_it_runs()
    {
        await using var server = await StartPollingFastAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await using var stream = await LiveStream.OpenAsync(server.BaseUri, server.AdminToken, "/api/v1/live?sessionId=s&clients=false");
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

    [Fact]
    public async Task Each_validation_of_a_round_being_validated_is_named_as_it_arrives()
    {
        await using var server = await StartPollingFastAsync();
        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "v", SeedModelId = "seed", Config = new SessionConfig() });
        await server.Metadata.Rounds.CreateAsync(new RoundRecord { SessionId = "v", Round = 1, InputModelId = "seed", Status = RoundStatus.Validating });
        await using var stream = await LiveStream.OpenAsync(server.BaseUri, server.AdminToken, "/api/v1/live?sessionId=v&clients=false");
        Assert.Equal(["events", "rounds", "session"], (await stream.NextAsync(3)).Select(item => item.EventType).Order());

        // The round record does not change while validations arrive; each one is still named.
        foreach (var site in new[] { "site-1", "site-2" })
        {
            await server.Metadata.Validations.CreateAsync(new ValidationRecord { SessionId = "v", Round = 1, ClientId = site, ModelId = "m", NumExamples = 10, Metrics = new Dictionary<string, double> { ["accuracy"] = 0.9 } });
            Assert.Equal("rounds", (await stream.NextAsync(1))[0].EventType);
        }
    }

    private static Task<RunningServer> StartPollingFastAsync() =>
        RunningServer.StartAsync(options => options with { Api = new ControlPlaneOptions { LivePollInterval = TimeSpan.FromMilliseconds(100) } });
}
