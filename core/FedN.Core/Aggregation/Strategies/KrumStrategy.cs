using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation.Robust;

namespace FedN.Core.Aggregation.Strategies;

/// <summary>
/// Krum and Multi-Krum (Blanchard et al. 2017): the update(s) closest to their neighbours, averaged.
/// The two names are one rule: Krum selects one update, Multi-Krum several.
/// </summary>
public sealed class KrumStrategy : AggregationStrategy<KrumStrategy.Options>
{
    private static readonly Hyperparameter Byzantine = new("byzantine", "f, the updates assumed Byzantine", 1, 0, 1000) { IsInteger = true };
    private static readonly Hyperparameter SelectedCount = new("selected", "m, the best-scored updates averaged", 5, 1, 100_000) { IsInteger = true };

    private readonly bool _multi;

    private KrumStrategy(bool multi)
    {
        _multi = multi;
        Hyperparameters = multi ? [Byzantine, SelectedCount] : [Byzantine];
    }

    /// <summary>Krum: the one best-scored update.</summary>
    public static KrumStrategy Krum { get; } = new(multi: false);

    /// <summary>Multi-Krum: the mean of the m best-scored updates.</summary>
    public static KrumStrategy MultiKrum { get; } = new(multi: true);

    /// <summary>Krum's settings.</summary>
    /// <param name="Byzantine">f, the updates assumed Byzantine.</param>
    /// <param name="Selected">m, the updates averaged (1 for Krum).</param>
    public sealed record Options(int Byzantine = 1, int Selected = 1);

    /// <inheritdoc />
    public override string Name => _multi ? "multi-krum" : "krum";

    /// <inheritdoc />
    public override string Summary => _multi
        ? "mean of the m updates with the smallest Krum scores, weighted by examples (Blanchard et al. 2017)"
        : "the update with the smallest Krum score: summed squared distance to its N − f − 2 nearest (Blanchard et al. 2017)";

    /// <inheritdoc />
    public override IReadOnlyList<Hyperparameter> Hyperparameters { get; }

    /// <inheritdoc />
    public override bool IsLinear => false;

    /// <inheritdoc />
    public override string? Defence(AggregatorHyperparameters values)
    {
        var settings = Bind(values);
        return _multi
            ? string.Create(CultureInfo.InvariantCulture, $"Multi-Krum, f {settings.Byzantine}, m {settings.Selected}")
            : string.Create(CultureInfo.InvariantCulture, $"Krum, f {settings.Byzantine}");
    }

    /// <inheritdoc />
    public override int MinimumUpdates(AggregatorHyperparameters values) => ((KrumAggregator)Create(values)).MinimumUpdates;

    /// <inheritdoc />
    public override IAggregator Create(Options settings) => new KrumAggregator(settings.Byzantine, settings.Selected);

    /// <inheritdoc />
    protected override Options Bind(AggregatorHyperparameters values) =>
        new((int)Read(Byzantine, values), _multi ? (int)Read(SelectedCount, values) : 1);
}
