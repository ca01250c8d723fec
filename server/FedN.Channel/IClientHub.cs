using FedN.Contracts.Messaging;

namespace FedN.Channel;

/// <summary>
/// The server's side of the client channel, after Azure Web PubSub's service API: push messages to one
/// client (every connection of that user id), a group or everyone, manage group membership, and hand
/// out connection URLs. Implemented by Azure Web PubSub and by the local server's hub.
/// </summary>
public interface IClientHub
{
    /// <summary>Sends <paramref name="message"/> to every connection of client <paramref name="clientId"/>; a client that is not connected misses it.</summary>
    Task SendToClientAsync(string clientId, ServerMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="message"/> to every connection in <paramref name="group"/>.</summary>
    Task SendToGroupAsync(string group, ServerMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="message"/> to every connection.</summary>
    Task SendToAllAsync(ServerMessage message, CancellationToken cancellationToken = default);

    /// <summary>Adds client <paramref name="clientId"/> (its connections now and later) to <paramref name="group"/>.</summary>
    Task AddClientToGroupAsync(string clientId, string group, CancellationToken cancellationToken = default);

    /// <summary>Removes client <paramref name="clientId"/> from <paramref name="group"/>.</summary>
    Task RemoveClientFromGroupAsync(string clientId, string group, CancellationToken cancellationToken = default);

    /// <summary>
    /// A WebSocket URL, with an access token in its query, through which client <paramref name="clientId"/>
    /// can connect for <paramref name="lifetime"/>.
    /// </summary>
    /// <param name="clientId">The user id the connection gets.</param>
    /// <param name="serverBaseUri">The address the client reached the API at: the local hub serves on the same address; Azure Web PubSub has its own and ignores it.</param>
    /// <param name="lifetime">How long the URL's token is valid (the connection may outlive it).</param>
    /// <param name="grantingTokenId">The id of the access token the client negotiated with: once it is revoked, the local hub refuses the URL's token and closes connections made with it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Uri> GetClientAccessUriAsync(string clientId, Uri serverBaseUri, TimeSpan lifetime, string? grantingTokenId = null, CancellationToken cancellationToken = default);
}
