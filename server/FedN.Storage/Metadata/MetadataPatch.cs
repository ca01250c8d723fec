using System.Text.Json;
using System.Text.Json.Nodes;
using FedN.Contracts;

namespace FedN.Storage.Metadata;

/// <summary>
/// One step of a partial update, with Cosmos DB's patch semantics, so every store behaves the same:
/// <see cref="Set{T}"/> adds or replaces a field whose parent object exists; <see cref="Increment"/>
/// adds to a whole number, creating it when absent.
/// </summary>
public sealed record MetadataPatch
{
    /// <summary>Most operations in one patch (Cosmos DB's limit).</summary>
    public const int MaxOperations = 10;

    private MetadataPatch(MetadataPatchKind kind, string path, JsonElement value)
    {
        MetadataPath.SplitPatchPath(path);
        Kind = kind;
        Path = path;
        Value = value;
    }

    /// <summary>What the operation does.</summary>
    public MetadataPatchKind Kind { get; }

    /// <summary>The target, as <c>/field</c> or <c>/field/nested</c>.</summary>
    public string Path { get; }

    /// <summary>The value to set, or the amount to add (a whole number).</summary>
    public JsonElement Value { get; }

    /// <summary>Sets the field at <paramref name="path"/> to <paramref name="value"/> (serialized like the records).</summary>
    public static MetadataPatch Set<T>(string path, T value) =>
        new(MetadataPatchKind.Set, path, JsonSerializer.SerializeToElement(value, FedNJson.Options));

    /// <summary>Adds <paramref name="delta"/> to the whole number at <paramref name="path"/>.</summary>
    public static MetadataPatch Increment(string path, long delta) =>
        new(MetadataPatchKind.Increment, path, JsonSerializer.SerializeToElement(delta));

    /// <summary>Checks a patch before it is sent: 1 to <see cref="MaxOperations"/> operations.</summary>
    public static void Validate(IReadOnlyList<MetadataPatch> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxOperations)
        {
            throw new ArgumentException($"a patch has {operations.Count} operations: use 1 to {MaxOperations}", nameof(operations));
        }
    }

    /// <summary>
    /// Applies the operation to <paramref name="body"/> in place, for stores without a server-side patch.
    /// </summary>
    /// <exception cref="MetadataStoreException">The parent of the target is missing, or an increment meets something other than a whole number.</exception>
    public void ApplyTo(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var fields = MetadataPath.SplitPatchPath(Path);
        var parent = body;
        foreach (var field in fields.AsSpan(0, fields.Length - 1))
        {
            parent = parent[field] as JsonObject
                ?? throw new MetadataStoreException($"cannot patch '{Path}': '{field}' is not an object in the document");
        }

        var leaf = fields[^1];
        if (Kind == MetadataPatchKind.Set)
        {
            parent[leaf] = JsonSerializer.SerializeToNode(Value);
            return;
        }

        var current = 0L;
        if (parent[leaf] is { } existing && (existing.GetValueKind() != JsonValueKind.Number || !existing.AsValue().TryGetValue(out current)))
        {
            throw new MetadataStoreException($"cannot increment '{Path}': it holds {existing.ToJsonString()}, not a whole number");
        }

        parent[leaf] = current + Value.GetInt64();
    }
}

/// <summary>The kinds of <see cref="MetadataPatch"/>.</summary>
public enum MetadataPatchKind
{
    /// <summary>Add or replace a field.</summary>
    Set,

    /// <summary>Add to a whole number.</summary>
    Increment,
}
