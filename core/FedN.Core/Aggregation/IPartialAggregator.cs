namespace FedN.Core.Aggregation;

/// <summary>
/// The combiner stage of an <see cref="IAggregator"/>: folds client updates (or other partials)
/// into a partial result as they arrive, in memory that does not grow with their number, and
/// writes that partial for the reducer.
/// </summary>
/// <remarks>
/// Dispose it when done: a model-sized sum hands its memory to the next partial of the process
/// (the reducer's after a combiner's, the next round's), instead of leaving it to the GC.
/// </remarks>
public interface IPartialAggregator : IDisposable
{
    /// <summary>Number of client updates folded in (through partials too).</summary>
    int Count { get; }

    /// <summary>Sum of the weights of the updates folded in.</summary>
    double TotalWeight { get; }

    /// <summary>Everything refused so far, with reasons. A rejected input never affects the result.</summary>
    IReadOnlyList<UpdateRejection> Rejections { get; }

    /// <summary>
    /// Folds in client updates. Several at once are aggregated together in one pass (faster than
    /// one by one). Each update is checked against the global model's schema, for NaN/Inf values,
    /// for a valid weight and for a duplicate id; failures land in <see cref="Rejections"/>.
    /// </summary>
    /// <returns>The rejections among these updates (empty when all were accepted).</returns>
    Task<IReadOnlyList<UpdateRejection>> AddUpdatesAsync(IReadOnlyList<WeightedUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>Folds in partials written by <see cref="WriteAsync"/> of other combiners.</summary>
    /// <returns>The rejections among these partials.</returns>
    Task<IReadOnlyList<UpdateRejection>> AddPartialsAsync(IReadOnlyList<ModelSource> partials, CancellationToken cancellationToken = default);

    /// <summary>Writes the partial (safetensors) so that another stage can fold it in.</summary>
    Task WriteAsync(Stream destination, CancellationToken cancellationToken = default);
}
