using FedN.Storage.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Channel;

/// <summary>
/// Marks clients offline that are recorded online but have not been heard from for
/// <see cref="SilenceLimit"/>: a host that died, or a network that dropped without a close, never
/// reports the disconnect. Hosts run it periodically (the Functions app on a timer, the local server
/// in the background), so planning never waits for a client that is gone.
/// </summary>
public sealed class ClientLiveness(FederationMetadata metadata, ILogger<ClientLiveness>? logger = null, TimeProvider? timeProvider = null)
{
    /// <summary>How long a client may stay silent (the SDK sends a heartbeat every 10 s) before it counts as offline.</summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(60);

    /// <summary>How often hosts run <see cref="SweepAsync"/>.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = logger ?? NullLogger<ClientLiveness>.Instance;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Marks every silent client offline; a client heard from meanwhile is left as it is.</summary>
    /// <returns>How many clients were marked offline.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = _time.GetUtcNow() - SilenceLimit;
        var marked = 0;
        await foreach (var client in metadata.Clients.ListAllAsync(online: true, cancellationToken))
        {
            if (client.Value.LastSeen is { } lastSeen && lastSeen >= cutoff)
            {
                continue;
            }

            try
            {
                // Conditional on the record read: a heartbeat that lands in between wins.
                await metadata.Clients.ReplaceAsync(client with { Value = client.Value with { Online = false } }, cancellationToken);
                _logger.ClientSilent(client.Value.Id, client.Value.LastSeen);
                marked++;
            }
            catch (Exception e) when (e is MetadataConflictException or MetadataNotFoundException)
            {
                // Heard from, or removed, since the read.
            }
        }

        return marked;
    }
}
