namespace FedN.Reducer.Activities;

/// <summary>
/// Metrics reported with a number of examples (training loss with an update, accuracy with a
/// validation), summed as value × examples so that sums from several places add up and the mean
/// weighs every example the same.
/// </summary>
internal static class ExampleWeightedMetrics
{
    /// <summary>Adds <paramref name="metrics"/>, each times <paramref name="examples"/>, to <paramref name="sums"/>.</summary>
    public static void AddTo(Dictionary<string, double> sums, IReadOnlyDictionary<string, double>? metrics, double examples)
    {
        foreach (var (name, value) in metrics ?? new Dictionary<string, double>())
        {
            sums[name] = sums.GetValueOrDefault(name) + (value * examples);
        }
    }

    /// <summary>The means of the metrics whose sums are <paramref name="sums"/> over <paramref name="examples"/> examples (none when there are no examples).</summary>
    public static Dictionary<string, double> Means(IReadOnlyDictionary<string, double> sums, double examples) => examples > 0
        ? sums.ToDictionary(pair => pair.Key, pair => pair.Value / examples, StringComparer.Ordinal)
        : new Dictionary<string, double>(StringComparer.Ordinal);
}
