using System.CommandLine;
using System.Globalization;
using System.Text;

namespace FedN.Cli;

/// <summary>
/// The CLI reference (docs/cli.md) written from the command tree itself, so it cannot drift from
/// what <c>fedn</c> accepts: every command with its description, usage, arguments and options with
/// their defaults. The CLI's tests check the page against it.
/// </summary>
internal static class CliReference
{
    /// <summary>The reference of <paramref name="root"/> as Markdown, one section per command that runs.</summary>
    public static string Render(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var text = new StringBuilder();
        foreach (var (path, command) in Commands(root, "fedn"))
        {
            if (command.Action is null || command.Hidden)
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"### `{path}`\n\n{command.Description}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"```\n{Usage(path, command)}\n```\n\n");
            var rows = command.Arguments.Where(a => !a.Hidden).Select(a => (Name: $"`{a.Name.ToUpperInvariant()}`", a.Description, Default: a.HasDefaultValue ? Value(a.GetDefaultValue()) : ""))
                .Concat(Options(command).Select(o => (Name: $"`{string.Join("`, `", o.Aliases.Prepend(o.Name))}`{(o.Required ? " (required)" : "")}", o.Description, Default: o.HasDefaultValue ? Value(o.GetDefaultValue()) : "")))
                .ToList();
            if (rows.Count > 0)
            {
                text.Append("| argument or option | what it is | default |\n| --- | --- | --- |\n");
                foreach (var (name, description, value) in rows)
                {
                    text.Append(CultureInfo.InvariantCulture, $"| {name} | {MarkdownTable.Cell(description)} | {MarkdownTable.Cell(value)} |\n");
                }

                text.Append('\n');
            }
        }

        return text.ToString().TrimEnd() + "\n";
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        yield return (path, command);
        foreach (var child in command.Subcommands.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            foreach (var descendant in Commands(child, $"{path} {child.Name}"))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>The command's own options, without the help and version options every command has.</summary>
    private static IEnumerable<Option> Options(Command command) =>
        command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "--version") && !o.Aliases.Contains("-h"));

    private static string Usage(string path, Command command) =>
        string.Join(' ', new[] { path }
            .Concat(command.Arguments.Where(a => !a.Hidden).Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[{a.Name.ToUpperInvariant()}...]" : a.Arity.MaximumNumberOfValues > 1 ? $"{a.Name.ToUpperInvariant()}..." : a.Name.ToUpperInvariant()))
            .Concat(Options(command).Where(o => o.Required).Select(o => $"{o.Name} VALUE"))
            .Append(Options(command).Any(o => !o.Required) ? "[options]" : ""))
        .TrimEnd();

    private static string Value(object? value) => value switch
    {
        null => "",
        string s when s.Length == 0 => "",
        string s => $"`{s}`",
        bool b => b ? "`true`" : "",
        System.Collections.IEnumerable list => string.Join(", ", list.Cast<object>().Select(Value)),
        IFormattable number => $"`{number.ToString(null, CultureInfo.InvariantCulture)}`",
        _ => $"`{value}`",
    };
}
