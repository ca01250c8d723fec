using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation.Privacy;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>Central differential privacy with fixed clipping and Gaussian noise (DP-FedAvg, McMahan et al. 2018).</summary>
public sealed class DpFedAvgStrategy : AggregationStrategy<DpFedAvgStrategy.Options>
{
    private static readonly Hyperparameter ClipNorm = new("clipNorm", "C, the L2 bound of each update's difference from the global model", null, 0, double.PositiveInfinity) { MinInclusive = false };
    private static readonly Hyperparameter NoiseMultiplier = new("noiseMultiplier", "σ, the noise's standard deviation over C", null, 0, 1000);
    private static readonly Hyperparameter Delta = new("delta", "δ at which ε is reported", 1e-5, 0, 1) { MinInclusive = false, MaxInclusive = false };
    private static readonly Hyperparameter Seed = new("seed", "a fixed noise seed for reproducible experiments (then the noise protects nothing against whoever knows it); unset, the server draws a secret one per round", null, 0, 9_007_199_254_740_991) { IsInteger = true, IsOptional = true };

    /// <summary>DP-FedAvg's settings.</summary>
    /// <param name="ClipNorm">C.</param>
    /// <param name="NoiseMultiplier">σ.</param>
    /// <param name="Delta">δ at which ε is reported.</param>
    /// <param name="Seed">A fixed seed, or <see langword="null"/> for the server's secret one.</param>
    public sealed record Options(double ClipNorm, double NoiseMultiplier, double Delta = 1e-5, ulong? Seed = null);

    /// <inheritdoc />
    public override string Name => "dp-fedavg";

    /// <inheritdoc />
    public override string Summary => "central differential privacy: clip each update to C, equal-weight mean, Gaussian noise σ·C/n (McMahan et al. 2018)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; } = [ClipNorm, NoiseMultiplier, Delta, Seed];

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override string? Defence(AggregatorHyperparameters values)
    {
        var settings = Settings(values);
        return string.Create(CultureInfo.InvariantCulture, $"central DP, clipping at {settings.ClipNorm:G4}, noise σ {settings.NoiseMultiplier:G4}");
    }

    /// <summary>
    /// ε at the strategy's δ after <paramref name="rounds"/> rounds, each sampling participants with
    /// probability <paramref name="samplingRate"/> (<see cref="RdpAccountant"/>).
    /// </summary>
    public (double Epsilon, double Delta, int Order) PrivacySpent(AggregatorHyperparameters values, int rounds, double samplingRate = 1)
    {
        var settings = Settings(values);
        var (epsilon, order) = RdpAccountant.Epsilon(samplingRate, settings.NoiseMultiplier, rounds, settings.Delta);
        return (epsilon, settings.Delta, order);
    }

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new DpFedAvgAggregator(settings.ClipNorm, settings.NoiseMultiplier, settings.Seed);

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) =>
        new(Read(ClipNorm, values), Read(NoiseMultiplier, values), Read(Delta, values), Seed.ReadOptional(values, Name) is { } seed ? (ulong)seed : null);
}
