namespace FedN.Core.Packages;

/// <summary>
/// The paths a package may hold: relative, <c>/</c>-separated, with no empty, <c>.</c> or <c>..</c>
/// segment, no backslash, colon or control character, so that no entry can land outside the
/// directory it is unpacked into on any operating system.
/// </summary>
public static class PackagePaths
{
    /// <summary>Longest path.</summary>
    public const int MaxLength = 1024;

    /// <summary>Why <paramref name="path"/> may not be in a package, or <see langword="null"/> when it may.</summary>
    public static string? FindProblem(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "an entry has an empty path";
        }

        var shown = path.Length > 120 ? $"{path[..120]}…" : path;
        if (path.Length > MaxLength)
        {
            return $"path '{shown}' is longer than {MaxLength} characters";
        }

        if (path[0] == '/' || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal) || path.Any(char.IsControl))
        {
            return $"path '{shown}' is not a plain relative path (no leading '/', backslash, ':' or control character)";
        }

        return path.Split('/').Any(segment => segment is "" or "." or "..")
            ? $"path '{shown}' has an empty, '.' or '..' segment: it could point outside the package"
            : null;
    }

    /// <summary>
    /// Where <paramref name="path"/> goes under <paramref name="root"/>, checked once more against
    /// the full path so that nothing is ever written outside it.
    /// </summary>
    /// <exception cref="PackageException">The path is not allowed.</exception>
    public static string Under(string root, string path)
    {
        if (FindProblem(path) is { } problem)
        {
            throw new PackageException(problem);
        }

        var full = Path.GetFullPath(Path.Combine(root, path));
        var prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal)
            ? full
            : throw new PackageException($"path '{path}' leaves the package directory");
    }
}
