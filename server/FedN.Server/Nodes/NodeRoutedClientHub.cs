using FedN.Channel;
using FedN.Channel.Local;
using FedN.Contracts.Messaging;

namespace FedN.Server.Nodes;

/// <summary>
/// The client hub of one node among several: a client connected here gets its messages from this
/// node's hub; one connected to another node gets them through that node's delivery queue
/// (<see cref="NodeMesh"/>). So an activity on any node reaches its client wherever it is connected.
/// </summary>
internal sealed class NodeRoutedClientHub(LocalClientHub local, NodeMesh mesh) : IClientHub
{
    public Task SendToClientAsync(string clientId, ServerMessage message, CancellationToken cancellationToken = default) =>
        local.HasConnection(clientId)
            ? local.SendToClientAsync(clientId, message, cancellationToken)
            : mesh.ForwardToClientAsync(clientId, message, cancellationToken);

    public async Task SendToGroupAsync(string group, ServerMessage message, CancellationToken cancellationToken = default)
    {
        await local.SendToGroupAsync(group, message, cancellationToken);
        await mesh.ForwardToEveryNodeAsync(new NodeDelivery(message) { Group = group }, cancellationToken);
    }

    public async Task SendToAllAsync(ServerMessage message, CancellationToken cancellationToken = default)
    {
        await local.SendToAllAsync(message, cancellationToken);
        await mesh.ForwardToEveryNodeAsync(new NodeDelivery(message), cancellationToken);
    }

    /// <remarks>Membership is kept by the hub the client's connection is on; FedN's reducer uses no groups.</remarks>
    public Task AddClientToGroupAsync(string clientId, string group, CancellationToken cancellationToken = default) =>
        local.AddClientToGroupAsync(clientId, group, cancellationToken);

    /// <inheritdoc cref="AddClientToGroupAsync"/>
    public Task RemoveClientFromGroupAsync(string clientId, string group, CancellationToken cancellationToken = default) =>
        local.RemoveClientFromGroupAsync(clientId, group, cancellationToken);

    public Task<Uri> GetClientAccessUriAsync(string clientId, Uri serverBaseUri, TimeSpan lifetime, string? grantingTokenId = null, CancellationToken cancellationToken = default) =>
        local.GetClientAccessUriAsync(clientId, serverBaseUri, lifetime, grantingTokenId, cancellationToken);
}
