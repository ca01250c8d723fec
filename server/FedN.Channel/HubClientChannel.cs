using FedN.Contracts.Messaging;

namespace FedN.Channel;

/// <summary>The reducer's channel port over a hub: a task goes to every connection of its client as a <see cref="ServerMessageKind.Task"/> message.</summary>
public sealed class HubClientChannel(IClientHub hub) : IClientChannel
{
    /// <inheritdoc />
    public Task SendTaskAsync(string clientId, ClientTask task, CancellationToken cancellationToken = default) =>
        hub.SendToClientAsync(clientId, ServerMessage.ForTask(task), cancellationToken);
}
