using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Core;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Server.Nodes;

/// <summary>
/// The server nodes of one deployment and how they reach each other's clients: through the shared
/// stores, not node-to-node calls. Each node records itself alive in the metadata store every
/// <see cref="HeartbeatInterval"/>, each client's record names the node of its latest connection,
/// and a message for a client connected elsewhere goes onto that node's delivery queue, which the
/// node drains (<see cref="NodeService"/>). A message for a client of a dead node is dropped: the
/// client reconnects to another node and gets its open tasks again.
/// </summary>
internal sealed class NodeMesh(NodeRecord self, FederationMetadata metadata, IQueueStore queues, TimeProvider time)
{
    /// <summary>How often a node says it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>A node silent for this long is taken for dead.</summary>
    public static readonly TimeSpan SilenceLimit = HeartbeatInterval * 3;

    /// <summary>This node.</summary>
    public NodeRecord Self { get; } = self;

    /// <summary>This node's delivery queue.</summary>
    public string Queue { get; } = QueueOf(self.Id);

    /// <summary>The delivery queue of node <paramref name="nodeId"/> (queue names are short and plain, so the id is hashed).</summary>
    public static string QueueOf(string nodeId) =>
        QueueName.Validate(string.Create(CultureInfo.InvariantCulture, $"fedn-node-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeId)), 0, 12)}"));

    /// <summary>Records this node alive now.</summary>
    public Task RecordAliveAsync(CancellationToken cancellationToken) =>
        metadata.Nodes.RecordAliveAsync(Self with { LastSeen = time.GetUtcNow() }, cancellationToken);

    /// <summary>Whether <paramref name="node"/> said it was alive recently.</summary>
    public bool IsAlive(NodeRecord node) => time.GetUtcNow() - node.LastSeen < SilenceLimit;

    /// <summary>Puts <paramref name="message"/> for <paramref name="clientId"/> on the queue of the node its latest connection is on, if that is another live node.</summary>
    public async Task ForwardToClientAsync(string clientId, ServerMessage message, CancellationToken cancellationToken)
    {
        if ((await metadata.Clients.GetAsync(clientId, cancellationToken))?.Value.Node is not { } nodeId || nodeId == Self.Id)
        {
            return; // not connected anywhere else: the client gets its open tasks when it connects
        }

        if (await metadata.Nodes.GetAsync(nodeId, cancellationToken) is { } node && IsAlive(node.Value))
        {
            await queues.EnqueueAsync(QueueOf(nodeId), Serialize(new NodeDelivery(message) { ClientId = clientId }), cancellationToken);
        }
    }

    /// <summary>Puts <paramref name="delivery"/> on every other live node's queue (group and broadcast sends).</summary>
    public async Task ForwardToEveryNodeAsync(NodeDelivery delivery, CancellationToken cancellationToken)
    {
        var body = Serialize(delivery);
        foreach (var node in await LiveNodesAsync(cancellationToken))
        {
            if (node.Id != Self.Id)
            {
                await queues.EnqueueAsync(QueueOf(node.Id), body, cancellationToken);
            }
        }
    }

    /// <summary>The nodes that said they were alive recently.</summary>
    public async Task<IReadOnlyList<NodeRecord>> LiveNodesAsync(CancellationToken cancellationToken)
    {
        List<NodeRecord> live = [];
        await foreach (var node in metadata.Nodes.ListAllAsync(cancellationToken))
        {
            if (IsAlive(node.Value))
            {
                live.Add(node.Value);
            }
        }

        return live;
    }

    /// <summary>A delivery read from a queue, or <see langword="null"/> when the body is not one.</summary>
    public static NodeDelivery? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<NodeDelivery>(body, FedNJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Serialize(NodeDelivery delivery) => JsonSerializer.Serialize(delivery, FedNJson.Options);
}

/// <summary>A message one node hands another for its clients: one client's, a group's, or everyone's.</summary>
/// <param name="Message">What to send.</param>
internal sealed record NodeDelivery(ServerMessage Message)
{
    /// <summary>The client to send it to.</summary>
    public string? ClientId { get; init; }

    /// <summary>The group to send it to (neither: everyone).</summary>
    public string? Group { get; init; }
}
