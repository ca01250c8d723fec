namespace FedN.Core.Aggregation;

/// <summary>What the reduce step reads and writes besides the merged partial.</summary>
public sealed class ReduceContext
{
    /// <summary>Where the new global model (safetensors) is written.</summary>
    public required Stream ModelOutput { get; init; }

    /// <summary>The current global model; required by server optimizers (see <see cref="IAggregator.RequiresGlobalModel"/>).</summary>
    public ModelSource? GlobalModel { get; init; }

    /// <summary>The optimizer state saved by the previous round; <see langword="null"/> starts fresh.</summary>
    public ModelSource? OptimizerState { get; init; }

    /// <summary>Where the optimizer state after this round is written (for aggregators that keep state).</summary>
    public Stream? OptimizerStateOutput { get; init; }

    /// <summary>
    /// Opens a model by its <see cref="ModelSource.Location"/>: how the reduce step of an aggregator
    /// that is not linear reads the updates its combiners indexed.
    /// </summary>
    public Func<string, ModelSource>? Resolve { get; init; }

    /// <summary>
    /// A secret, stable seed for this reduce (the same on a retry, unknown to clients): the noise of
    /// differential privacy is drawn from it unless the strategy sets a seed of its own.
    /// </summary>
    public ulong? NoiseSeed { get; init; }

    /// <summary>The round this reduce makes the model of (it varies the noise of a seeded mechanism from round to round).</summary>
    public int Round { get; init; }

    /// <summary>Extra <c>__metadata__</c> entries for the new model.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
