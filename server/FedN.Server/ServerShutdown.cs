using System.Globalization;
using FedN.Channel.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FedN.Server;

/// <summary>What a stopping local server waits for, said before it waits.</summary>
public static class ServerShutdown
{
    /// <summary>
    /// For example "closing 3 client connection(s), finishing 2 request(s) in flight and stopping
    /// the reducer, for at most 10 s". Clients reconnect, and cut-off transfers and steps are
    /// retried, when a server is back.
    /// </summary>
    public static string Describe(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var connections = services.GetRequiredService<LocalClientHub>().ConnectionCount;
        var requests = services.GetRequiredService<InFlightRequests>().Count;
        var timeout = services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var parts = new List<string>();
        if (connections > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"closing {connections} client connection(s)"));
        }

        if (requests > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"finishing {requests} request(s) in flight"));
        }

        parts.Add("stopping the reducer");
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", parts.Take(parts.Count - 1))}{(parts.Count > 1 ? " and " : "")}{parts[^1]}, for at most {timeout.TotalSeconds:0.#} s");
    }
}
