using System.Globalization;
using System.Text;

namespace FedN.Cli.Commands;

/// <summary>Plain text tables: a header row and left-aligned columns as wide as their widest cell.</summary>
internal static class Table
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var cells = rows.Select(row => row.Select(cell => cell ?? "-").ToArray()).ToList();
        if (cells.Count == 0)
        {
            return "(none)" + Environment.NewLine;
        }

        var widths = headers.Select((header, column) => Math.Max(header.Length, cells.Max(row => row[column].Length))).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> values) => text.AppendLine(string.Join("  ", values.Select((value, column) => value.PadRight(widths[column]))).TrimEnd());
        Line(headers);
        cells.ForEach(Line);
        return text.ToString();
    }

    public static string Time(DateTimeOffset? time) => time?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Metrics as <c>name=value</c> pairs by name, or null when there are none.</summary>
    public static string? Metrics(IReadOnlyDictionary<string, double>? metrics) => metrics is { Count: > 0 }
        ? string.Join(' ', metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value.ToString("0.####", CultureInfo.InvariantCulture)}"))
        : null;
}
