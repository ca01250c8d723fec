using System.Buffers;

namespace FedN.Storage;

/// <summary>
/// The one rule for blob paths, the same for every store: segments of letters, digits, '.', '_'
/// and '-' separated by '/', none empty, '.' or '..', at most 1024 characters. Paths are therefore
/// also safe file names under a root directory and need no escaping in URLs.
/// </summary>
public static class BlobPath
{
    /// <summary>Longest path accepted (Azure allows 1024 characters).</summary>
    public const int MaxLength = 1024;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/");

    /// <summary>Throws <see cref="ArgumentException"/> saying what is wrong when <paramref name="path"/> breaks the rule.</summary>
    public static string Validate(string path)
    {
        var problem = Check(path);
        return problem is null ? path : throw new ArgumentException($"invalid blob path '{path}': {problem}", nameof(path));
    }

    /// <summary>Validates a listing prefix: like a path, but it may be empty or end with '/'.</summary>
    public static string ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return prefix;
        }

        var problem = Check(prefix.EndsWith('/') ? prefix[..^1] : prefix);
        return problem is null ? prefix : throw new ArgumentException($"invalid blob prefix '{prefix}': {problem}", nameof(prefix));
    }

    /// <summary>Validates a prefix to delete under: as <see cref="ValidatePrefix"/>, but never empty (that would be the whole store).</summary>
    public static string ValidateDeletionPrefix(string prefix) => ValidatePrefix(prefix).Length > 0
        ? prefix
        : throw new ArgumentException("a prefix deletion needs a prefix; an empty one would delete the whole store", nameof(prefix));

    private static string? Check(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "it is empty";
        }

        if (path.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        var bad = path.AsSpan().IndexOfAnyExcept(Allowed);
        if (bad >= 0)
        {
            return $"character '{path[bad]}' at {bad} is not allowed (letters, digits, '.', '_', '-' and '/' are)";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                return "segments must not be empty, '.' or '..'";
            }
        }

        return null;
    }
}
