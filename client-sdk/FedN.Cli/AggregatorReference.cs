using System.Globalization;
using System.Text;
using FedN.Core.Aggregation;

namespace FedN.Cli;

/// <summary>The table of aggregators in docs/aggregation.md, written from the registry: names, kind and hyperparameters with their defaults and ranges.</summary>
internal static class AggregatorReference
{
    public static string Render()
    {
        var text = new StringBuilder("| method | kind | hyperparameters (default, range) | what it does |\n| --- | --- | --- | --- |\n");
        foreach (var strategy in Aggregators.All)
        {
            var hyperparameters = strategy.Hyperparameters.Count == 0 ? "none"
                : string.Join("; ", strategy.Hyperparameters.Select(h => string.Create(CultureInfo.InvariantCulture,
                    $"`{h.Name}` ({(h.Default is { } d ? d.ToString("G6", CultureInfo.InvariantCulture) : h.IsOptional ? "unset" : "required")}, {h.Range})")));
            text.Append(CultureInfo.InvariantCulture, $"| `{strategy.Name}` | {(strategy.IsLinear ? "linear" : "robust")} | {MarkdownTable.Cell(hyperparameters)} | {MarkdownTable.Cell(strategy.Summary)} |\n");
        }

        return text.ToString();
    }
}
