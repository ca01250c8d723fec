using System.Text.Json;
using FedN.Core;
using FedN.Core.Metadata;

namespace FedN.Orchestration;

/// <summary>The orchestrators and activities a host can run, by name (case-insensitive, as Durable's task names).</summary>
public sealed class OrchestrationCatalog
{
    private readonly Dictionary<string, Func<IOrchestrationContext, Task<JsonElement?>>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<JsonElement?, CancellationToken, Task<JsonElement?>>> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds an orchestrator whose input is <typeparamref name="TInput"/>.</summary>
    public OrchestrationCatalog AddOrchestrator<TInput, TOutput>(string name, Func<IOrchestrationContext, TInput, Task<TOutput>> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        _orchestrators.Add(name, async context => ToJson(await orchestrator(context, context.GetInput<TInput>()!)));
        return this;
    }

    /// <summary>Adds an activity: idempotent work with a small JSON input and output.</summary>
    public OrchestrationCatalog AddActivity<TInput, TOutput>(string name, Func<TInput, CancellationToken, Task<TOutput>> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        _activities.Add(name, async (input, cancellationToken) => ToJson(await activity(FromJson<TInput>(input)!, cancellationToken)));
        return this;
    }

    internal Func<IOrchestrationContext, Task<JsonElement?>> Orchestrator(string name) =>
        _orchestrators.TryGetValue(name, out var orchestrator) ? orchestrator : throw new InvalidOperationException($"no orchestrator called '{name}' is registered");

    internal Func<JsonElement?, CancellationToken, Task<JsonElement?>> Activity(string name) =>
        _activities.TryGetValue(name, out var activity) ? activity : throw new InvalidOperationException($"no activity called '{name}' is registered");

    internal static JsonElement? ToJson(object? value) => value is null ? null : JsonSerializer.SerializeToElement(value, value.GetType(), FedNJson.Options);

    internal static T? FromJson<T>(JsonElement? value) => value is { } json ? json.Deserialize<T>(FedNJson.Options) : default;
}
