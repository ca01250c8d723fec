using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using FedN.Core;
using FedN.Core.Api;
using FedN.Core.Federation;
using FedN.Examples.Mnist;
using FedN.Testing;

namespace FedN.Examples.Tests;

/// <summary>
/// Two <c>fedn server</c> nodes on one storage account (Azurite), one Cosmos database and one task
/// hub form one deployment: both run orchestrations and activities, and a task sent by an activity
/// on either node reaches its client on whichever node the client is connected to.
/// </summary>
public sealed class SeveralNodesTests(AzuriteFixture azurite, CosmosEmulatorFixture cosmos) : IClassFixture<AzuriteFixture>, IClassFixture<CosmosEmulatorFixture>
{
    [Fact]
    public async Task An_MNIST_session_with_clients_on_two_nodes_completes_every_round_with_every_client()
    {
        var name = $"nodes{Guid.NewGuid():N}"[..20];
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var first = await StartNodeAsync(name, signingKey, "node-a");
        await using var second = await StartNodeAsync(name, signingKey, "node-b");

        // Clients 1 and 3 on the first node, 2 and 4 on the second: whichever node runs a dispatch,
        // half of its tasks are for clients of the other.
        var summary = await MnistDemo.RunAsync(new MnistDemoOptions
        {
            DataPath = MnistDataset.DefaultPath,
            Clients = 4,
            Rounds = 2,
            Shards = 2,
            Server = first.BaseUri,
            ClientServers = [first.BaseUri, second.BaseUri],
            AdminToken = first.AdminToken,
        });

        Assert.True(summary.Status == SessionStatus.Completed, summary.Message);
        Assert.All(summary.Rounds, round => Assert.Equal(4, round.Clients));
        Assert.True(summary.FinalAccuracy > 0.5, $"final accuracy {summary.FinalAccuracy}");
        Assert.Equal(3, (await first.Metadata.Models.GetTrailAsync(summary.Rounds[^1].ModelId)).Count);
        var clients = await first.Metadata.Clients.ListAsync(Core.Metadata.PageRequest.First);
        Assert.Equal(["node-a", "node-b", "node-a", "node-b"], clients.Items.OrderBy(c => c.Value.Id, StringComparer.Ordinal).Select(c => c.Value.Node));

        // Either node lists both, with the addresses they serve on.
        using var http = new HttpClient { BaseAddress = second.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", second.AdminToken);
        var nodes = await http.GetFromJsonAsync<Page<NodeRecord>>("/api/v1/nodes", FedNJson.Options);
        Assert.Equal([("node-a", first.BaseUri), ("node-b", second.BaseUri)], nodes!.Items.Select(node => (node.Id, node.Address)));
        Assert.All(nodes.Items, node => Assert.True(DateTimeOffset.UtcNow - node.LastSeen < TimeSpan.FromSeconds(15), $"{node.Id} last seen {node.LastSeen}"));
    }

    private Task<RunningServer> StartNodeAsync(string name, string signingKey, string nodeId) =>
        RunningServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["FedN:Auth:SigningKey"] = signingKey,
            ["FedN:Storage:ConnectionString"] = azurite.ConnectionString,
            ["FedN:Storage:Container"] = name,
            ["FedN:Cosmos:ConnectionString"] = cosmos.ConnectionString,
            ["FedN:Cosmos:Emulator"] = "true",
            ["FedN:Cosmos:DatabaseName"] = name,
            ["FedN:Durable:TaskHubName"] = name,
            ["FedN:Durable:WorkerId"] = nodeId,
        });
}
