using FedN.Orchestration.AzureStorage;
using Microsoft.Extensions.Hosting;

namespace FedN.Server;

/// <summary>Runs this node's share of the task hub for as long as the server runs; stopping hands its partitions to the other nodes at once.</summary>
internal sealed class DurableEngineService(AzureStorageOrchestrationEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync();

    public async Task StopAsync(CancellationToken cancellationToken) => await engine.DisposeAsync();
}
