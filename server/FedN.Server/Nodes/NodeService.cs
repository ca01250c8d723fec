using FedN.Channel.Local;
using FedN.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedN.Server.Nodes;

/// <summary>
/// Keeps this node in the deployment: records it alive every <see cref="NodeMesh.HeartbeatInterval"/>
/// and delivers what other nodes put on its queue to the clients connected here.
/// </summary>
internal sealed class NodeService(NodeMesh mesh, LocalClientHub hub, IQueueStore queues, ILogger<NodeService> logger, TimeProvider time, ServerHealth health) : GuardedBackgroundService(health, "node mesh")
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered before the server takes requests, so clients connecting here are reachable at once.
        await mesh.RecordAliveAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        var nextHeartbeat = time.GetUtcNow() + NodeMesh.HeartbeatInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= nextHeartbeat)
                {
                    await mesh.RecordAliveAsync(stoppingToken);
                    nextHeartbeat = time.GetUtcNow() + NodeMesh.HeartbeatInterval;
                }

                if (await DeliverAsync(stoppingToken) == 0)
                {
                    await Task.Delay(PollInterval, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store hiccup must not end the node's membership; the next pass tries again.
                logger.NodePassFailed(e);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>Delivers one batch from this node's queue; returns how many messages it held.</summary>
    private async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var messages = await queues.ReceiveAsync(mesh.Queue, QueueLimits.MaxReceiveBatch, Visibility, cancellationToken);
        foreach (var message in messages)
        {
            switch (NodeMesh.Parse(message.Body))
            {
                case { ClientId: { } clientId } delivery:
                    await hub.SendToClientAsync(clientId, delivery.Message, cancellationToken);
                    break;
                case { Group: { } group } delivery:
                    await hub.SendToGroupAsync(group, delivery.Message, cancellationToken);
                    break;
                case { } delivery:
                    await hub.SendToAllAsync(delivery.Message, cancellationToken);
                    break;
                default:
                    logger.NodeDeliveryUnreadable(mesh.Queue);
                    break;
            }

            await queues.DeleteMessageAsync(mesh.Queue, message, cancellationToken);
        }

        return messages.Count;
    }
}
