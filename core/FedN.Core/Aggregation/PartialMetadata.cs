using System.Globalization;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>The <c>__metadata__</c> keys a partial aggregate carries, and reading them back.</summary>
internal static class PartialMetadata
{
    public const string Kind = "fedn.kind";
    public const string KindValue = "partial";
    public const string TotalWeight = "fedn.total_weight";
    public const string Count = "fedn.count";

    public static Dictionary<string, string> Create(double totalWeight, int count) => new()
    {
        [Kind] = KindValue,
        [TotalWeight] = totalWeight.ToString("R", CultureInfo.InvariantCulture),
        [Count] = count.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The weight and count a partial declares, or the reason it does not declare them properly.</summary>
    public static (double TotalWeight, int Count, string? Error) Read(SafetensorsHeader header)
    {
        var metadata = header.Metadata;
        if (!metadata.TryGetValue(Kind, out var kind) || kind != KindValue)
        {
            return (0, 0, $"not a partial aggregate ({Kind} is not '{KindValue}')");
        }

        if (!metadata.TryGetValue(TotalWeight, out var weightText)
            || !double.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight)
            || !double.IsFinite(weight) || weight < 0)
        {
            return (0, 0, $"{TotalWeight} is missing or not a non-negative number");
        }

        if (!metadata.TryGetValue(Count, out var countText)
            || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return (0, 0, $"{Count} is missing or not a non-negative integer");
        }

        if ((count == 0) != (weight == 0))
        {
            return (0, 0, $"{Count} {count} and {TotalWeight} {weightText} contradict each other");
        }

        return (weight, count, null);
    }
}
