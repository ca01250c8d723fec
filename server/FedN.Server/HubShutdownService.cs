using FedN.Channel.Local;
using Microsoft.Extensions.Hosting;

namespace FedN.Server;

/// <summary>On shutdown, tells connected clients the server is going away (they reconnect to the next one) before the reducer stops.</summary>
internal sealed class HubShutdownService(LocalClientHub hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await hub.DisposeAsync();
}
