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
            registry.AddActivity(activity.Name, new CatalogActivity(activity));
        }

        return registry;
    }

    /// <summary>A catalog activity as the SDK runs it: the worker deserializes the input by <see cref="ITaskActivity.InputType"/>.</summary>
    private sealed class CatalogActivity(ActivityRegistration activity) : ITaskActivity
    {
        public Type InputType => activity.InputType;

        public Type OutputType => activity.OutputType;

        /// <remarks>The SDK's activity context carries no cancellation: an activity the engine abandons is retried, and activities are idempotent.</remarks>
        public Task<object?> RunAsync(TaskActivityContext context, object? input) => activity.RunAsync(input, CancellationToken.None);
    }
}
