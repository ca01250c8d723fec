using System.Net;
using FedN.Contracts.Federation;
using FedN.Testing;

namespace FedN.Client.Tests;

/// <summary>A follower rides out a server restart instead of giving up.</summary>
public sealed class ServerOutageTests
{
    [Fact]
    public async Task A_call_made_while_the_server_restarts_waits_for_it_and_says_so()
    {
        var data = Directory.CreateTempSubdirectory("fedn-outage-").FullName;
        var address = LocalServerUri();
        var server = await RunningServer.StartAsync(dataDirectory: data, listenUri: address);
        await server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "s", SeedModelId = "seed", Config = new SessionConfig() });
        var token = server.AdminToken;
        await server.StopAsync();
        await server.DisposeAsync();

        using var api = new FedNApiClient(address, token);
        List<string> waits = [];
        var following = ServerOutage.RetryAsync(ct => api.GetSessionAsync("s", ct), waits.Add);
        await Poll.UntilAsync(() => Task.FromResult(waits.Count >= 2), TimeSpan.FromSeconds(20), "the follower to wait");
        await using var restarted = await RunningServer.StartAsync(dataDirectory: data, listenUri: address);

        Assert.Equal("s", (await following.WaitAsync(TimeSpan.FromSeconds(30))).Id);
        Assert.All(waits, wait => Assert.Contains($"cannot reach the FedN server at {address}", wait, StringComparison.Ordinal));
        Assert.Contains("trying again in", waits[0], StringComparison.Ordinal);

        // Anything but an outage is not retried.
        var missing = await Assert.ThrowsAsync<FedNApiException>(() => ServerOutage.RetryAsync(ct => api.GetSessionAsync("none", ct), waits.Add));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Directory.Delete(data, recursive: true);
    }

    private static Uri LocalServerUri() => FedN.Server.LocalServerOptions.FreeLoopbackUri();
}
