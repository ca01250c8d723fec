using FedN.Channel;
using Microsoft.Azure.Functions.Worker;

namespace FedN.Functions.Timers;

/// <summary>Marks silent clients offline (<see cref="ClientLiveness"/>), every 30 s as on the local server.</summary>
public sealed class LivenessFunction(ClientLiveness liveness)
{
    /// <summary>NCRONTAB with seconds: every <see cref="ClientLiveness.SweepInterval"/>.</summary>
    public const string Schedule = "*/30 * * * * *";

    /// <summary>Runs one sweep.</summary>
    [Function("client-liveness")]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return liveness.SweepAsync(context.CancellationToken);
    }
}
