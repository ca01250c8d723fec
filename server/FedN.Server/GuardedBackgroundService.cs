using Microsoft.Extensions.Hosting;

namespace FedN.Server;

/// <summary>
/// A background part of the server whose death is recorded in <see cref="ServerHealth"/> under its
/// name before it is rethrown, so the host stops (its default for a failed background service)
/// and everyone can tell why.
/// </summary>
internal abstract class GuardedBackgroundService(ServerHealth health, string part) : BackgroundService
{
    /// <summary>The part's work, until <paramref name="stoppingToken"/> is canceled.</summary>
    protected abstract Task RunAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            health.Fail(part, e);
            throw;
        }
    }
}
