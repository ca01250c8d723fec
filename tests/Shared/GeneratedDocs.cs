using Xunit;

namespace FedN.Testing;

/// <summary>
/// Parts of the docs written from the code, between <c>&lt;!-- BEGIN GENERATED: name --&gt;</c> and
/// <c>&lt;!-- END GENERATED --&gt;</c>: a test fails when a part and the code differ, and with
/// <c>FEDN_WRITE_DOCS=1</c> rewrites the part instead.
/// </summary>
public static class GeneratedDocs
{
    private const string End = "<!-- END GENERATED -->";

    /// <summary>Checks (or, with <c>FEDN_WRITE_DOCS=1</c>, rewrites) the part <paramref name="name"/> of <paramref name="file"/> (relative to the repository) against <paramref name="generated"/>.</summary>
    public static void AssertUpToDate(string file, string name, string generated, string rewrite)
    {
        var path = Path.Combine(RepositoryRoot.Path, file);
        var begin = $"<!-- BEGIN GENERATED: {name} -->";
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"{file} has no {begin} ... {End} block");
        if (Environment.GetEnvironmentVariable("FEDN_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, text[..(start + begin.Length)] + "\n" + generated.TrimEnd('\n') + "\n" + text[end..]);
            return;
        }

        Assert.True(text[(start + begin.Length)..end].Trim('\n') == generated.TrimEnd('\n'), $"{file} is out of date: run FEDN_WRITE_DOCS=1 {rewrite}");
    }
}
