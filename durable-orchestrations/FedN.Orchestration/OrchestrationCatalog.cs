using Microsoft.DurableTask;

namespace FedN.Orchestration;

/// <summary>
/// The orchestrators and activities a host runs, by typed name: every engine (the local runner, the
/// Durable Task SDK's workers, the Functions app's triggers) registers from here, so each runs the
/// same classes. Names are case-insensitive, as Durable's task names.
/// </summary>
public sealed class OrchestrationCatalog
{
    private readonly Dictionary<string, OrchestratorRegistration> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ActivityRegistration> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds an orchestrator: <paramref name="create"/> makes one for each run (orchestrators keep no state between runs).</summary>
    public OrchestrationCatalog AddOrchestrator<TInput, TOutput>(OrchestratorName<TInput, TOutput> name, Func<TaskOrchestrator<TInput, TOutput>> create)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(create);
        _orchestrators.Add(name.Name, new OrchestratorRegistration(name.Name, create));
        return this;
    }

    /// <summary>Adds an orchestrator given as a function.</summary>
    public OrchestrationCatalog AddOrchestrator<TInput, TOutput>(OrchestratorName<TInput, TOutput> name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        return AddOrchestrator(name, () => new FuncOrchestrator<TInput, TOutput>(orchestrator));
    }

    /// <summary>Adds an activity: idempotent work with a small JSON input and output.</summary>
    public OrchestrationCatalog AddActivity<TInput, TOutput>(ActivityName<TInput, TOutput> name, Func<TInput, CancellationToken, Task<TOutput>> activity)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(activity);
        _activities.Add(name.Name, new ActivityRegistration(name.Name, typeof(TInput), typeof(TOutput),
            async (input, cancellationToken) => await activity((TInput)input!, cancellationToken)));
        return this;
    }

    /// <summary>The registered orchestrators.</summary>
    public IReadOnlyCollection<OrchestratorRegistration> Orchestrators => _orchestrators.Values;

    /// <summary>The registered activities.</summary>
    public IReadOnlyCollection<ActivityRegistration> Activities => _activities.Values;

    /// <summary>Runs (or replays) <paramref name="name"/> on an engine's context: what a host's orchestration trigger calls.</summary>
    /// <exception cref="InvalidOperationException">No orchestrator has that name.</exception>
    public async Task<TOutput> RunOrchestratorAsync<TInput, TOutput>(OrchestratorName<TInput, TOutput> name, TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(context);
        return (TOutput)(await Orchestrator(name.Name).Create().RunAsync(context, context.GetInput<TInput>()))!;
    }

    /// <summary>Runs activity <paramref name="name"/> once: what a host's activity trigger calls.</summary>
    /// <exception cref="InvalidOperationException">No activity has that name.</exception>
    public async Task<TOutput> RunActivityAsync<TInput, TOutput>(ActivityName<TInput, TOutput> name, TInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (TOutput)(await Activity(name.Name).RunAsync(input, cancellationToken))!;
    }

    /// <summary>The orchestrator called <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">None is registered.</exception>
    public OrchestratorRegistration Orchestrator(string name) =>
        _orchestrators.TryGetValue(name, out var orchestrator) ? orchestrator : throw new InvalidOperationException($"no orchestrator called '{name}' is registered");

    /// <summary>The activity called <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">None is registered.</exception>
    public ActivityRegistration Activity(string name) =>
        _activities.TryGetValue(name, out var activity) ? activity : throw new InvalidOperationException($"no activity called '{name}' is registered");
}

/// <summary>A registered orchestrator.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Create">Makes the orchestrator for one run.</param>
public sealed record OrchestratorRegistration(string Name, Func<ITaskOrchestrator> Create);

/// <summary>A registered activity, untyped for engines that deserialize by <see cref="InputType"/>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="InputType">What it takes.</param>
/// <param name="OutputType">What it returns.</param>
/// <param name="RunAsync">Runs it once on an input of <paramref name="InputType"/>.</param>
public sealed record ActivityRegistration(string Name, Type InputType, Type OutputType, Func<object?, CancellationToken, Task<object?>> RunAsync);
