namespace FedN.Cli;

/// <summary>Text made safe for one cell of a Markdown table, for the references written from the code.</summary>
internal static class MarkdownTable
{
    /// <summary><paramref name="text"/> on one line, with its pipes escaped.</summary>
    public static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
