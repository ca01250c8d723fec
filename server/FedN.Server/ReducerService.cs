using FedN.Orchestration.Local;
using Microsoft.Extensions.Hosting;

namespace FedN.Server;

/// <summary>Runs the local durable runner for as long as the server runs: it takes the lease, resumes sessions and runs their orchestrations and activities.</summary>
internal sealed class ReducerService(LocalOrchestrationRunner runner, ServerHealth health) : GuardedBackgroundService(health, "reducer")
{
    protected override Task RunAsync(CancellationToken stoppingToken) => runner.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Gives up the leases at once, so a standby server takes the sessions over without waiting; the container disposes the runner.
        await runner.StopAsync();
    }
}
