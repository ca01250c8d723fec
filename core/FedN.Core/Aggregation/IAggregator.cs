namespace FedN.Core.Aggregation;

/// <summary>
/// An aggregation strategy (in the spirit of Flower's Strategy): how client updates become the
/// next global model. It has two stages so that it runs hierarchically: combiners each build a
/// partial over their share of the clients (<see cref="CreatePartial(Safetensors.SafetensorsHeader)"/>), and the reducer merges
/// the partials and produces the new global model (<see cref="ReduceAsync"/>). New strategies
/// (median, trimmed mean, Krum, ...) implement this interface; callers do not change.
/// </summary>
public interface IAggregator
{
    /// <summary>The strategy's name, for example <c>fedavg</c> or <c>fedadam</c>.</summary>
    string Name { get; }

    /// <summary>Whether <see cref="ReduceAsync"/> needs <see cref="ReduceContext.GlobalModel"/>.</summary>
    bool RequiresGlobalModel { get; }

    /// <summary>
    /// The L2 bound every update's difference from the global model is clipped to before it is
    /// folded in (differential privacy needs it), or <see langword="null"/>. Whoever feeds the
    /// partial clips (the combiner, the CLI), since only they hold the global model.
    /// </summary>
    double? ClipNorm => null;

    /// <summary>Starts a partial for updates of the model described by <paramref name="globalSchema"/>.</summary>
    IPartialAggregator CreatePartial(Safetensors.SafetensorsHeader globalSchema);

    /// <summary>
    /// Starts a partial meant to be used as <paramref name="options"/> say (for example given all
    /// its inputs at once, <see cref="PartialOptions.OneShot"/>). An aggregator without a cheaper
    /// way for that use returns <see cref="CreatePartial(Safetensors.SafetensorsHeader)"/>'s.
    /// </summary>
    IPartialAggregator CreatePartial(Safetensors.SafetensorsHeader globalSchema, PartialOptions options) => CreatePartial(globalSchema);

    /// <summary>
    /// Turns a partial holding every contribution of the round (merge the combiners' partials into
    /// one first with <see cref="IPartialAggregator.AddPartialsAsync"/>) into the new global model,
    /// written to <see cref="ReduceContext.ModelOutput"/>.
    /// </summary>
    Task<AggregationResult> ReduceAsync(IPartialAggregator merged, ReduceContext context, CancellationToken cancellationToken = default);
}
