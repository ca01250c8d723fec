namespace FedN.Contracts.Messaging;

/// <summary>
/// The server's side of the client channel: pushes messages to connected clients (Azure Web PubSub,
/// or the local server's hub that speaks its protocol). Delivery is best-effort: a client that is
/// offline misses the task, and the round closes at its deadline without it.
/// </summary>
public interface IClientChannel
{
    /// <summary>Sends <paramref name="task"/> to every connection of client <paramref name="clientId"/>.</summary>
    Task SendTaskAsync(string clientId, ClientTask task, CancellationToken cancellationToken = default);
}
