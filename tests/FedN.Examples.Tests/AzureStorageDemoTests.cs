using FedN.Contracts.Federation;
using FedN.Examples.Mnist;
using FedN.Orchestration;
using FedN.Orchestration.AzureStorage;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Examples.Tests;

/// <summary>The demo against a local server on Azure's storage: blobs, queues and the reducer's task hub (the Durable Task Framework engine) in Azurite, metadata in the Cosmos DB emulator.</summary>
public sealed class AzureStorageDemoTests(AzuriteFixture azurite, CosmosEmulatorFixture cosmos) : IClassFixture<AzuriteFixture>, IClassFixture<CosmosEmulatorFixture>
{
    [Fact]
    public async Task A_short_demo_runs_on_the_Durable_Task_Framework_over_azurite_and_the_cosmos_emulator()
    {
        var name = $"fedn{Guid.NewGuid():N}"[..20];
        await using var server = await RunningServer.StartAsync(configuration: AzureServerSettings.For(azurite, cosmos, name));
        Assert.IsType<TaskHubOrchestrationClient>(server.App.Services.GetRequiredService<IOrchestrationClient>());

        var summary = await MnistDemo.RunAsync(new MnistDemoOptions
        {
            DataPath = MnistDataset.DefaultPath,
            Clients = 3,
            Rounds = 2,
            Server = server.BaseUri,
            AdminToken = server.AdminToken,
        });

        Assert.True(summary.Status == SessionStatus.Completed, summary.Message);
        Assert.All(summary.Rounds, round => Assert.Equal(3, round.Clients));
        Assert.True(summary.Rounds[1].Accuracy > summary.Rounds[0].Accuracy, $"accuracy {summary.Rounds[0].Accuracy} then {summary.Rounds[1].Accuracy}");
        var trail = await server.Metadata.Models.GetTrailAsync(summary.Rounds[^1].ModelId);
        Assert.Equal(3, trail.Count);
        var session = await server.App.Services.GetRequiredService<IOrchestrationClient>().GetInstanceAsync(Reducer.SessionControl.InstanceId(summary.SessionId));
        Assert.Equal(OrchestrationStatus.Completed, session?.Status);
    }
}
