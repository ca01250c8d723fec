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

    /// <summary>The registered orchestrators' names.</summary>
    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Keys;

    /// <summary>The registered activities' names.</summary>
    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    /// <summary>Runs (or replays) orchestrator <paramref name="name"/> on <paramref name="context"/> and returns its output as JSON: what a host's orchestration trigger calls.</summary>
    /// <exception cref="InvalidOperationException">No orchestrator has that name.</exception>
    public Task<JsonElement?> RunOrchestratorAsync(string name, IOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Orchestrator(name)(context);
    }

    /// <summary>Runs activity <paramref name="name"/> once on its JSON input and returns its output as JSON: what a host's activity trigger calls.</summary>
    /// <exception cref="InvalidOperationException">No activity has that name.</exception>
    public Task<JsonElement?> RunActivityAsync(string name, JsonElement? input, CancellationToken cancellationToken = default) =>
        Activity(name)(input, cancellationToken);

    internal Func<IOrchestrationContext, Task<JsonElement?>> Orchestrator(string name) =>
        _orchestrators.TryGetValue(name, out var orchestrator) ? orchestrator : throw new InvalidOperationException($"no orchestrator called '{name}' is registered");

    internal Func<JsonElement?, CancellationToken, Task<JsonElement?>> Activity(string name) =>
        _activities.TryGetValue(name, out var activity) ? activity : throw new InvalidOperationException($"no activity called '{name}' is registered");

    /// <summary>
    /// <paramref name="value"/> as JSON the way FedN writes it: what crosses a host's durable boundary
    /// (inputs, outputs, events, statuses), so every host stores and replays the same JSON.
    /// </summary>
    public static JsonElement? ToJson(object? value) => value is null ? null : JsonSerializer.SerializeToElement(value, value.GetType(), FedNJson.Options);

    /// <summary>Reads JSON written by <see cref="ToJson"/> as <typeparamref name="T"/>.</summary>
    public static T? FromJson<T>(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } json ? json.Deserialize<T>(FedNJson.Options) : default;
}
