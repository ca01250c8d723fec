using FedN.Channel;
using FedN.Testing;
using FedN.Testing.Shared;

namespace FedN.Server.Tests;

/// <summary>The liveness sweep marks silent clients offline and leaves the others as they are.</summary>
public sealed class ClientLivenessTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Clients_silent_for_longer_than_the_limit_are_marked_offline()
    {
        // Hours ahead of the real clock, so the server's own sweep leaves these records alone.
        var now = DateTimeOffset.UtcNow.AddHours(2);
        var clients = _server.Metadata.Clients;
        await clients.RecordConnectedAsync("silent", now - ClientLiveness.SilenceLimit - TimeSpan.FromSeconds(1));
        await clients.RecordConnectedAsync("talking", now - TimeSpan.FromSeconds(10));
        await clients.RecordConnectedAsync("gone", now - TimeSpan.FromHours(1));
        await clients.RecordDisconnectedAsync("gone", now - TimeSpan.FromHours(1));
        var liveness = new ClientLiveness(_server.Metadata, timeProvider: new FixedTime(now));

        var marked = await liveness.SweepAsync();
        var again = await liveness.SweepAsync();

        Assert.Equal(1, marked);
        Assert.Equal(0, again);
        var silent = (await clients.GetAsync("silent"))!.Value;
        Assert.False(silent.Online);
        Assert.Equal(now - ClientLiveness.SilenceLimit - TimeSpan.FromSeconds(1), silent.LastSeen);
        Assert.True((await clients.GetAsync("talking"))!.Value.Online);
        Assert.False((await clients.GetAsync("gone"))!.Value.Online);
    }
}
