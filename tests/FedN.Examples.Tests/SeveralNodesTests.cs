using System.Security.Cryptography;
using FedN.Contracts.Federation;
using FedN.Examples.Mnist;
using FedN.Security;
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
        var clients = await first.Metadata.Clients.ListAsync(Storage.Metadata.PageRequest.First);
        Assert.Equal(["node-a", "node-b", "node-a", "node-b"], clients.Items.OrderBy(c => c.Value.Id, StringComparer.Ordinal).Select(c => c.Value.Node));

        // Either node lists both, with the addresses they serve on.
        using var api = new FedN.Client.FedNApiClient(second.BaseUri, second.AdminToken);
        var nodes = await api.ListNodesAsync();
        Assert.Equal([("node-a", first.BaseUri), ("node-b", second.BaseUri)], nodes.Items.Select(node => (node.Id, node.Address)));
        Assert.All(nodes.Items, node => Assert.True(DateTimeOffset.UtcNow - node.LastSeen < TimeSpan.FromSeconds(15), $"{node.Id} last seen {node.LastSeen}"));
    }

    [Fact]
    public async Task Killing_the_node_that_runs_the_session_and_serves_half_the_clients_mid_session_loses_nothing()
    {
        var name = $"kill{Guid.NewGuid():N}"[..20];
        var key = RandomNumberGenerator.GetBytes(32);
        // One partition: the node started first holds it, so it runs the session until it dies.
        await using var doomed = await ServerProcess.StartAsync(NodeEnvironment(name, key, "doomed"));
        await using var survivor = await ServerProcess.StartAsync(NodeEnvironment(name, key, "survivor"));
        var admin = new AccessTokens(key).Create(AccessTokenRoles.Admin, null, TimeSpan.FromHours(1));

        // Clients 1 and 3 on the doomed node (falling back on the survivor), 2 and 4 on the survivor.
        // While round 2 trains (its combiners waiting for updates, on either node), the doomed node is killed.
        using var api = new FedN.Client.FedNApiClient(survivor.BaseUri, admin);
        Task<RoundStatus?>? kill = null;
        var summary = await MnistDemo.RunAsync(new MnistDemoOptions
        {
            DataPath = MnistDataset.DefaultPath,
            Clients = 4,
            Rounds = 3,
            Shards = 2,
            Server = survivor.BaseUri,
            ClientServers = [doomed.BaseUri, survivor.BaseUri],
            AdminToken = admin,
        }, onRound: round =>
        {
            if (round.Round == 1)
            {
                kill = Task.Run(async () =>
                {
                    // Killed as soon as round 2 is seen training: its clients have their tasks, its combiners wait.
                    var session = Assert.Single((await api.ListSessionsAsync()).Items);
                    using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    RoundStatus? status;
                    while ((status = (await api.ListRoundsAsync(session.Id, cancellationToken: patience.Token)).Items.SingleOrDefault(r => r.Round == 2)?.Status) is null or RoundStatus.Planned)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50), patience.Token);
                    }

                    doomed.Kill();
                    return status;
                });
            }
        });

        Assert.True(summary.Status == SessionStatus.Completed, $"{summary.Message}\n--- doomed node:\n{doomed.Output}\n--- survivor:\n{survivor.Output}");
        Assert.NotNull(kill);
        var killedIn = await kill;
        Assert.True(killedIn is RoundStatus.Training or RoundStatus.Reducing or RoundStatus.Validating, $"the node was killed with round 2 {killedIn}, not mid-round");
        Assert.Equal([1, 2, 3], summary.Rounds.Select(round => round.Round));
        Assert.All(summary.Rounds, round => Assert.Equal(4, round.Clients));
        Assert.True(summary.FinalAccuracy > 0.5, $"final accuracy {summary.FinalAccuracy}");

        var rounds = await api.ListRoundsAsync(summary.SessionId);
        // Each update aggregated once. A report the dead node had queued but not yet acknowledged is
        // sent again by its client to the survivor: the combiner refuses that copy as a duplicate.
        Assert.All(rounds.Items, round => Assert.Equal((RoundStatus.Committed, 4L, 4L), (round.Status, round.UpdatesReceived, round.UpdatesAggregated)));
        Assert.All(rounds.Items.Where(round => round.Round != 2), round => Assert.Equal(0L, round.UpdatesRejected));
        var refusals = (await api.ListEventsAsync(summary.SessionId)).Items.Where(e => e.Kind == "update.rejected").ToList();
        Assert.All(refusals, refusal => Assert.StartsWith("duplicate:", refusal.Message, StringComparison.Ordinal));
        // The session really was on the killed node: round 2 went on only once the survivor had taken
        // its partition over (the lease lapsed), not in the usual two seconds.
        var second = rounds.Items.Single(r => r.Round == 2);
        Assert.True(second.EndedAt - second.StartedAt > TimeSpan.FromSeconds(5), $"round 2 took {second.EndedAt - second.StartedAt}: the session was not on the killed node");

        // The traces both nodes exported (the console exporter's output): the survivor replayed the
        // session's orchestrations and emitted no span twice; each round has one root and one commit,
        // in one trace, whichever node ran which step.
        var spans = ConsoleSpans(doomed.Output).Concat(ConsoleSpans(survivor.Output)).Where(span => span.Session == summary.SessionId).ToList();
        Assert.Equal(spans.Count, spans.Select(span => span.SpanId).Distinct().Count());
        foreach (var round in new[] { "1", "2", "3" })
        {
            var root = Assert.Single(spans, span => span.Name == "fedn.round" && span.Round == round);
            Assert.Single(spans, span => span.Name == "fedn.round.commit" && span.Round == round && span.TraceId == root.TraceId && span.ParentSpanId == root.SpanId);
            Assert.Contains(spans, span => span.Name == "fedn.round.combine" && span.TraceId == root.TraceId);
        }

        Assert.Contains(ConsoleSpans(doomed.Output), span => span.Name == "fedn.round.plan" && span.Round == "2"); // round 2 began on the killed node
    }

    private sealed record ConsoleSpan(string Name, string TraceId, string SpanId, string? ParentSpanId, string? Session, string? Round);

    /// <summary>The spans in the console exporter's output: "Activity.TraceId: …" up to the next span.</summary>
    private static List<ConsoleSpan> ConsoleSpans(string output)
    {
        List<ConsoleSpan> spans = [];
        foreach (var block in output.Split("Activity.TraceId:").Skip(1))
        {
            string? Field(string name) => block.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim();
            var traceId = block.Split('\n')[0].Trim();
            if (Field("Activity.DisplayName:") is { } name && Field("Activity.SpanId:") is { } spanId)
            {
                spans.Add(new ConsoleSpan(name, traceId, spanId, Field("Activity.ParentSpanId:"), Field("fedn.session.id:"), Field("fedn.round:")));
            }
        }

        return spans;
    }

    private Dictionary<string, string> NodeEnvironment(string name, byte[] key, string nodeId)
    {
        var settings = AzureServerSettings.For(azurite, cosmos, name);
        settings["FedN:Auth:SigningKey"] = Convert.ToBase64String(key);
        settings["FedN:Durable:WorkerId"] = nodeId;
        settings["FedN:Durable:PartitionCount"] = "1";
        settings["FedN:Telemetry:Console"] = "true"; // spans on standard output, read back by the kill test
        return AzureServerSettings.AsEnvironment(settings);
    }

    private Task<RunningServer> StartNodeAsync(string name, string signingKey, string nodeId)
    {
        var settings = AzureServerSettings.For(azurite, cosmos, name);
        settings["FedN:Auth:SigningKey"] = signingKey;
        settings["FedN:Durable:WorkerId"] = nodeId;
        return RunningServer.StartAsync(configuration: settings);
    }
}
