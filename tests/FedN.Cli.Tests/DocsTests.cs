using System.Text;
using System.Text.RegularExpressions;
using FedN.Testing;

namespace FedN.Cli.Tests;

/// <summary>
/// The documentation says what the code does: the generated references match the command tree and
/// the session configuration, and every <c>fedn</c> command shown in the README and docs/ parses
/// with the current CLI. <c>FEDN_WRITE_DOCS=1 dotnet test tests/FedN.Cli.Tests --filter Docs</c>
/// rewrites the generated parts.
/// </summary>
public sealed partial class DocsTests
{
    private const string Rewrite = "dotnet test tests/FedN.Cli.Tests --filter Docs";

    [Fact]
    public void The_cli_reference_is_the_command_tree() =>
        GeneratedDocs.AssertUpToDate("docs/cli.md", "cli", CliReference.Render(Cli.Build()), Rewrite);

    [Fact]
    public void The_configuration_reference_is_the_session_configuration() =>
        GeneratedDocs.AssertUpToDate("docs/configuration.md", "session-config", ConfigurationReference.Render(), Rewrite);

    [Fact]
    public void The_aggregator_reference_is_the_registry() =>
        GeneratedDocs.AssertUpToDate("docs/aggregation.md", "aggregators", AggregatorReference.Render(), Rewrite);

    [Fact]
    public void The_references_describe_what_they_should()
    {
        var cli = CliReference.Render(Cli.Build());
        var config = ConfigurationReference.Render();

        Assert.Contains("### `fedn session start`", cli, StringComparison.Ordinal);
        Assert.Contains("| `--clients` |", cli, StringComparison.Ordinal);
        Assert.Contains("### `fedn model delete`", cli, StringComparison.Ordinal);
        Assert.DoesNotContain("### `fedn session`\n", cli, StringComparison.Ordinal); // groups do nothing by themselves
        Assert.Contains("| `rounds` | a whole number | `5` |", config, StringComparison.Ordinal);
        Assert.Contains("| `hyperparameters` | an object of named numbers", config, StringComparison.Ordinal);
        Assert.Contains("| `krum` | robust | `byzantine` (1, integer in [0, 1000]) |", AggregatorReference.Render(), StringComparison.Ordinal);
        Assert.Contains("| `--clip-norm` |", cli, StringComparison.Ordinal);
        Assert.Contains("| `aggregator` | one of fedavg, fedavgm", config, StringComparison.Ordinal);
        Assert.Contains("| `updateNormAction` | one of clip, reject | `\"clip\"` |", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fedn_command_in_the_readme_and_docs_parses()
    {
        var files = new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Select(f => Path.GetRelativePath(RepositoryRoot.Path, f)));
        List<string> failures = [];
        var checkedCommands = 0;
        foreach (var file in files)
        {
            foreach (var command in ShellCommands(File.ReadAllText(Path.Combine(RepositoryRoot.Path, file))))
            {
                checkedCommands++;
                var errors = Cli.Build().Parse(command).Errors;
                if (errors.Count > 0)
                {
                    failures.Add($"{file}: fedn {string.Join(' ', command)}: {string.Join("; ", errors.Select(e => e.Message))}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedCommands >= 10, $"only {checkedCommands} commands were found: the extraction is broken");
    }

    /// <summary>
    /// The arguments of every <c>fedn</c> or <c>./fedn</c> call in the document's sh code blocks:
    /// lines joined at a trailing backslash, cut at comments, pipes, <c>&amp;&amp;</c>, <c>;</c>,
    /// redirections and <c>&amp;</c>, with <c>$VAR</c> and <c>$(...)</c> standing for a value.
    /// Usage lines with <c>[...]</c> or <c>A|B</c> placeholders are skipped: they are not commands.
    /// </summary>
    private static IEnumerable<string[]> ShellCommands(string markdown)
    {
        foreach (Match block in ShellBlock().Matches(markdown))
        {
            var script = block.Groups["body"].Value.Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (var line in script.Split('\n').SelectMany(WithSubstitutions))
            {
                foreach (Match call in FednCall().Matches(Substituted(StripComment(line))))
                {
                    var words = Words(call.Groups["args"].Value);
                    if (words.Any(w => w.Contains('[', StringComparison.Ordinal) || w.Contains('|', StringComparison.Ordinal) || w.Contains("...", StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    yield return [.. words];
                }
            }
        }
    }

    /// <summary>The line, then the inside of each of its <c>$(...)</c>, which are commands too.</summary>
    private static IEnumerable<string> WithSubstitutions(string line)
    {
        yield return line;
        for (var start = line.IndexOf("$(", StringComparison.Ordinal); start >= 0; start = line.IndexOf("$(", start + 2, StringComparison.Ordinal))
        {
            var depth = 0;
            for (var i = start + 1; i < line.Length; i++)
            {
                depth += line[i] == '(' ? 1 : line[i] == ')' ? -1 : 0;
                if (depth == 0)
                {
                    yield return line[(start + 2)..i];
                    break;
                }
            }
        }
    }

    private static string StripComment(string line)
    {
        var index = line.IndexOf(" #", StringComparison.Ordinal);
        return index >= 0 ? line[..index] : line;
    }

    /// <summary><c>$(...)</c> (nested) and <c>$VAR</c>/<c>${VAR}</c> become <c>VALUE</c>, so a command inside a substitution is not read as its own.</summary>
    private static string Substituted(string line)
    {
        var text = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '$' && i + 1 < line.Length && line[i + 1] == '(')
            {
                var depth = 0;
                for (; i < line.Length; i++)
                {
                    depth += line[i] == '(' ? 1 : line[i] == ')' ? -1 : 0;
                    if (depth == 0 && line[i] == ')')
                    {
                        break;
                    }
                }

                text.Append("VALUE");
                continue;
            }

            text.Append(line[i]);
        }

        return Variable().Replace(text.ToString(), "VALUE");
    }

    private static List<string> Words(string text)
    {
        List<string> words = [];
        var word = new StringBuilder();
        char? quote = null;
        var any = false;
        foreach (var c in text)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (word.Length > 0 || any)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
            }
        }

        if (word.Length > 0 || any)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    [GeneratedRegex(@"```(?:sh|bash|shell)\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    // A call starts a line or follows a separator; what follows runs to the next separator.
    [GeneratedRegex(@"(?:^|[;&|(]\s*|\s)(?:\./)?fedn\s+(?<args>[^;&|<>]*)")]
    private static partial Regex FednCall();

    [GeneratedRegex(@"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")]
    private static partial Regex Variable();
}
