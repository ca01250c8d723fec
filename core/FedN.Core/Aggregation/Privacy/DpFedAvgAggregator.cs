using FedN.Core.Numerics;
using FedN.Core.Aggregation.ServerOptimizers;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation.Privacy;

/// <summary>
/// Central differential privacy with fixed clipping (DP-FedAvg, McMahan et al. 2018; Flower's
/// DifferentialPrivacyServerSideFixedClipping): every update's difference from the global model is
/// clipped to C by whoever feeds the partial (<see cref="IAggregator.ClipNorm"/>), the clipped
/// updates are averaged with equal weights (so no client's claim changes its sensitivity), and
/// Gaussian noise of standard deviation σ·C/n is added to every parameter of the mean. Linear:
/// combiners build exact partial sums as for FedAvg, and only the reduce step adds noise.
/// </summary>
public sealed class DpFedAvgAggregator : IAggregator
{
    private static readonly FedOptAggregator Mean = new(new FedAvgOptimizer(1.0));

    /// <summary>Creates the mechanism.</summary>
    /// <param name="clipNorm">C, the L2 bound of each update's difference from the global model.</param>
    /// <param name="noiseMultiplier">σ, the noise's standard deviation over C (0 adds none: clipping only).</param>
    /// <param name="seed">A fixed seed, for reproducible experiments; <see langword="null"/> draws the noise from <see cref="ReduceContext.NoiseSeed"/>, the server's secret.</param>
    public DpFedAvgAggregator(double clipNorm, double noiseMultiplier, ulong? seed = null)
    {
        if (!(double.IsFinite(clipNorm) && clipNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "the clipping norm must be a positive number");
        }

        if (!(double.IsFinite(noiseMultiplier) && noiseMultiplier >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "the noise multiplier must not be negative");
        }

        ClipNorm = clipNorm;
        NoiseMultiplier = noiseMultiplier;
        Seed = seed;
    }

    /// <inheritdoc />
    public string Name => "dp-fedavg";

    /// <inheritdoc />
    public double? ClipNorm { get; }

    /// <summary>σ, the noise's standard deviation over the clipping norm.</summary>
    public double NoiseMultiplier { get; }

    /// <summary>The fixed seed, if any.</summary>
    public ulong? Seed { get; }

    /// <inheritdoc />
    public bool RequiresGlobalModel => false;

    /// <summary>The noise's standard deviation per parameter for a mean of <paramref name="count"/> updates: σ·C/n.</summary>
    public double NoiseStandardDeviation(int count) => NoiseMultiplier * ClipNorm!.Value / count;

    /// <inheritdoc />
    public IPartialAggregator CreatePartial(SafetensorsHeader globalSchema) => new UniformWeights(new WeightedSumAccumulator(globalSchema));

    /// <inheritdoc />
    public IPartialAggregator CreatePartial(SafetensorsHeader globalSchema, PartialOptions options) => new UniformWeights(new WeightedSumAccumulator(globalSchema, options));

    /// <inheritdoc />
    public async Task<AggregationResult> ReduceAsync(IPartialAggregator merged, ReduceContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (merged is not UniformWeights { Inner: var sum })
        {
            throw new ArgumentException($"{Name} reduces partials it created, not {merged?.GetType().Name}.", nameof(merged));
        }

        var seed = Seed is { } fixedSeed ? StableSeeds.Combine(fixedSeed, (ulong)context.Round)
            : context.NoiseSeed ?? throw new ArgumentException($"{Name} needs a secret noise seed (ReduceContext.NoiseSeed) or a fixed seed", nameof(context));
        var meanFile = Path.Combine(Path.GetTempPath(), $"fedn-dp-{Guid.NewGuid():N}.safetensors");
        try
        {
            AggregationResult result;
            await using (var mean = File.Create(meanFile))
            {
                result = await Mean.ReduceAsync(sum, new ReduceContext { ModelOutput = mean, Metadata = context.Metadata }, cancellationToken);
            }

            using var reader = SafetensorsReader.OpenFile(meanFile);
            await GaussianMechanism.AddNoiseAsync(reader, context.ModelOutput, NoiseStandardDeviation(result.Count), seed, cancellationToken);
            return result;
        }
        finally
        {
            File.Delete(meanFile);
        }
    }

    /// <summary>A weighted sum whose every update weighs 1: equal weights bound each client's influence on the mean by C/n.</summary>
    private sealed class UniformWeights(WeightedSumAccumulator inner) : IPartialAggregator
    {
        public WeightedSumAccumulator Inner { get; } = inner;

        public int Count => Inner.Count;

        public double TotalWeight => Inner.TotalWeight;

        public IReadOnlyList<UpdateRejection> Rejections => Inner.Rejections;

        public Task<IReadOnlyList<UpdateRejection>> AddUpdatesAsync(IReadOnlyList<WeightedUpdate> updates, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(updates);

            // A weight that is not a positive number is still refused, as the weighted sum would.
            return Inner.AddUpdatesAsync([.. updates.Select(u => u with { Weight = double.IsFinite(u.Weight) && u.Weight > 0 ? 1 : u.Weight })], cancellationToken);
        }

        public Task<IReadOnlyList<UpdateRejection>> AddPartialsAsync(IReadOnlyList<ModelSource> partials, CancellationToken cancellationToken = default) =>
            Inner.AddPartialsAsync(partials, cancellationToken);

        public Task WriteAsync(Stream destination, CancellationToken cancellationToken = default) => Inner.WriteAsync(destination, cancellationToken);

        public void Dispose() => Inner.Dispose();
    }
}
