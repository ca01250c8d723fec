using System.Buffers;

namespace FedN.Storage.Metadata;

/// <summary>
/// The rules for names inside metadata: body field names (ASCII identifiers, so they can be named
/// in a query without escaping), patch paths (<c>/field</c> or <c>/field/nested</c>) and key parts.
/// </summary>
public static class MetadataPath
{
    /// <summary>Longest id or partition value (Cosmos DB allows 255 characters for an id).</summary>
    public const int MaxKeyLength = 255;

    private static readonly SearchValues<char> FieldChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    private static readonly SearchValues<char> KeyChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:");

    /// <summary>Returns <paramref name="field"/> if it is a letter followed by letters, digits or '_'; otherwise throws <see cref="ArgumentException"/>.</summary>
    public static string ValidateField(string field)
    {
        if (string.IsNullOrEmpty(field) || !char.IsAsciiLetter(field[0]) || field.AsSpan().IndexOfAnyExcept(FieldChars) >= 0)
        {
            throw new ArgumentException($"invalid metadata field name '{field}': use a letter followed by letters, digits or '_'", nameof(field));
        }

        return field;
    }

    /// <summary>The field names of a patch path such as <c>/shards/aggregated</c>; throws <see cref="ArgumentException"/> when it is malformed.</summary>
    public static string[] SplitPatchPath(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            throw new ArgumentException($"invalid patch path '{path}': it must start with '/'", nameof(path));
        }

        var fields = path[1..].Split('/');
        foreach (var field in fields)
        {
            ValidateField(field);
        }

        return fields;
    }

    /// <summary>
    /// Returns <paramref name="value"/> if it is a valid id or partition value: 1 to 255 letters,
    /// digits, '.', '_', '-' or ':' (nothing Cosmos DB forbids in an id, nothing that needs escaping).
    /// </summary>
    public static string ValidateKeyPart(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxKeyLength || value.AsSpan().IndexOfAnyExcept(KeyChars) >= 0)
        {
            throw new ArgumentException($"invalid {what} '{value}': use 1 to {MaxKeyLength} letters, digits, '.', '_', '-' or ':'", what);
        }

        return value;
    }
}
