using FedN.Channel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedN.Server;

/// <summary>Runs the liveness sweep every <see cref="ClientLiveness.SweepInterval"/>, as the Functions app's timer does on Azure.</summary>
internal sealed class LivenessService(ClientLiveness liveness, TimeProvider time, ILogger<LivenessService> logger, ServerHealth health) : GuardedBackgroundService(health, "client liveness sweep")
{
    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ClientLiveness.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await liveness.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LivenessSweepFailed(e);
            }
        }
    }
}
