using System.Text;

namespace FedN.Cli.Commands;

/// <summary>Splits a command line into words as a POSIX shell would for plain words and quotes (no variables, globs or escapes beyond quotes).</summary>
internal static class CommandLineWords
{
    /// <exception cref="CliFailure">A quote is not closed.</exception>
    public static List<string> Split(string line)
    {
        List<string> words = [];
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new CliFailure($"unclosed {quote} in '{line}'");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
