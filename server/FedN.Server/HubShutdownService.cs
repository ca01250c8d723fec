using FedN.Channel.Local;
using Microsoft.Extensions.Hosting;

namespace FedN.Server;

/// <summary>
/// On shutdown, before anything else stops (Kestrel included, which would otherwise wait for open
/// WebSockets until its timeout), closes the hub: connected clients are told the server is going away
/// and reconnect to the next one, and new connections are refused.
/// </summary>
internal sealed class HubShutdownService(LocalClientHub hub) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken) => await hub.DisposeAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
