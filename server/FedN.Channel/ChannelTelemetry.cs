using System.Diagnostics.Metrics;

namespace FedN.Channel;

/// <summary>The channel's instruments, on the <see cref="Meter"/> named <see cref="Name"/> (recorded only when a host subscribes).</summary>
public static class ChannelTelemetry
{
    /// <summary>The name of the channel's <see cref="Meter"/>.</summary>
    public const string Name = "FedN.Channel";

    private static readonly Meter Meter = new(Name, typeof(ChannelTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Clients connected, as deltas: each node (or Functions instance) adds its connects and
    /// subtracts its disconnects, so a backend's sum over them is the federation's count.
    /// </summary>
    internal static readonly UpDownCounter<long> ConnectedClients = Meter.CreateUpDownCounter<long>("fedn.clients.connected", "{client}", "Clients with a live connection");
}
