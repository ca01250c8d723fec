namespace FedN.Orchestration;

/// <summary>
/// An activity's name with its input and output types, declared once: the registration
/// (<see cref="OrchestrationCatalog.AddActivity{TInput, TOutput}"/>) and every call site
/// (<see cref="TaskOrchestrationContextExtensions.CallAsync{TInput, TOutput}(Microsoft.DurableTask.TaskOrchestrationContext, ActivityName{TInput, TOutput}, TInput, Microsoft.DurableTask.TaskOptions?)"/>)
/// use it, so a call with the wrong types does not compile.
/// </summary>
/// <param name="Name">The name the engine knows it by (case-insensitive, as Durable's task names).</param>
public sealed record ActivityName<TInput, TOutput>(string Name)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>An orchestrator's name with its input and output types, declared once (see <see cref="ActivityName{TInput, TOutput}"/>).</summary>
/// <param name="Name">The name the engine knows it by.</param>
public sealed record OrchestratorName<TInput, TOutput>(string Name)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
