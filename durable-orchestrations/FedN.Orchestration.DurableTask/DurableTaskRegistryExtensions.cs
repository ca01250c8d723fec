using Microsoft.DurableTask;

namespace FedN.Orchestration.DurableTask;

/// <summary>FedN's catalog on a Durable Task SDK worker (the in-process test host, the Durable Task Framework through the SDK's shim).</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Registers every orchestrator and activity of <paramref name="catalog"/> under its name.</summary>
    public static DurableTaskRegistry AddCatalog(this DurableTaskRegistry registry, OrchestrationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(catalog);
        foreach (var orchestrator in catalog.Orchestrators)
        {
            registry.AddOrchestrator(orchestrator.Name, orchestrator.Create);
        }

        foreach (var activity in catalog.Activities)
        {
            registry.AddActivity(activity.Name, new CatalogTaskActivity(activity));
        }

        return registry;
    }
}
