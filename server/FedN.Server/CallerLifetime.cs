using Microsoft.Extensions.Hosting;

namespace FedN.Server;

/// <summary>
/// The host waits for nothing and handles no signals: whoever built the server stops it (the CLI on
/// Ctrl-C or SIGTERM, tests when they are done). The default console lifetime would swallow those
/// signals without stopping a host that was started with <c>StartAsync</c>.
/// </summary>
internal sealed class CallerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
