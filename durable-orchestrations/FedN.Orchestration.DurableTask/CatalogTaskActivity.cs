using Microsoft.DurableTask;

namespace FedN.Orchestration.DurableTask;

/// <summary>
/// A catalog activity as the SDK's workers run it (the registry, the Durable Task Framework shim): the
/// worker deserializes the input by <see cref="InputType"/> with its data converter.
/// </summary>
public sealed class CatalogTaskActivity(ActivityRegistration activity) : ITaskActivity
{
    /// <inheritdoc/>
    public Type InputType => activity.InputType;

    /// <inheritdoc/>
    public Type OutputType => activity.OutputType;

    /// <inheritdoc/>
    /// <remarks>The SDK's activity context carries no cancellation: an activity the engine abandons is retried, and activities are idempotent.</remarks>
    public Task<object?> RunAsync(TaskActivityContext context, object? input) => activity.RunAsync(input, CancellationToken.None);
}
