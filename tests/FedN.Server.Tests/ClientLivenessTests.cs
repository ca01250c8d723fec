using FedN.Channel;
using FedN.Hosting;
using FedN.Testing;
using FedN.Testing.Shared;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>A background part that dies stops the server, and /healthz names it meanwhile.</summary>
public sealed class ServerHealthTests
{
    [Fact]
    public async Task A_dead_background_part_is_named_by_healthz_and_stops_the_host()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        Assert.Equal("ok", await http.GetStringAsync("/healthz"));

        var health = server.App.Services.GetRequiredService<ServerHealth>();
        health.Fail("reducer", new IOException("No space left on device"));
        using var response = await http.GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the reducer stopped: No space left on device", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Readyz_reads_each_store_without_a_token_and_names_the_part_that_is_not_ready()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var ready = await http.GetStringAsync("/readyz");
        Assert.Equal(["background: ok", "blob store: ok", "queue store: ok", "metadata store: ok"], ready.Trim().Split('\n'));

        server.App.Services.GetRequiredService<ServerHealth>().Fail("client liveness sweep", new IOException("disk I/O error"));
        using var response = await http.GetAsync("/readyz");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("background: the client liveness sweep stopped: disk I/O error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_readiness_probe_names_each_part_that_fails_or_does_not_answer_and_waits_for_none_beyond_its_timeout()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var report = await ReadinessProbe.RunAsync(
            [
                new("answers", _ => Task.CompletedTask),
                new("refuses", _ => Task.FromException(new IOException("Connection refused (127.0.0.1:9)"))),
                new("hangs", token => Task.Delay(Timeout.Infinite, token)),
            ],
            CancellationToken.None,
            ("background", null));

        Assert.False(report.IsReady);
        Assert.Equal("background: ok", report.Lines[0]);
        Assert.Equal("answers: ok", report.Lines[1]);
        Assert.StartsWith("refuses: IOException: Connection refused (127.0.0.1:9) (after ", report.Lines[2], StringComparison.Ordinal);
        Assert.Equal("hangs: no answer within 5 s", report.Lines[3]);
        Assert.InRange(watch.Elapsed, ReadinessProbe.Timeout, ReadinessProbe.Timeout + TimeSpan.FromSeconds(3));
        Assert.True((await ReadinessProbe.RunAsync([new("answers", _ => Task.CompletedTask)], CancellationToken.None)).IsReady);
    }

    [Fact]
    public async Task A_guarded_part_that_throws_records_why_and_stops_the_host()
    {
        var health = new ServerHealth();
        using var host = new Microsoft.Extensions.Hosting.HostBuilder()
            .ConfigureServices((_, services) => services.AddHostedService(_ => new Dying(health)))
            .Build();
        var stopping = new TaskCompletionSource();
        using var registration = host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.Register(stopping.SetResult);
        await host.StartAsync();
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new ServerPartFailure("test part", "the disk is full"), health.Failure);
        await host.StopAsync();
    }

    private sealed class Dying(ServerHealth health) : GuardedBackgroundService(health, "test part")
    {
        protected override async Task RunAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new IOException("the disk is full");
        }
    }
}
