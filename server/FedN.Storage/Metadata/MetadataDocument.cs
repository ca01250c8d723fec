using System.Text.Json;

namespace FedN.Storage.Metadata;

/// <summary>Where a document lives: its partition (documents queried together) and its id within it.</summary>
/// <param name="Partition">The partition key value; see <see cref="MetadataContainers"/> for what each container partitions by.</param>
/// <param name="Id">The id, unique within the partition.</param>
public readonly record struct MetadataKey(string Partition, string Id)
{
    /// <inheritdoc />
    public override string ToString() => $"{Partition}/{Id}";
}

/// <summary>A stored JSON document with its key, sort key and version.</summary>
/// <param name="Key">Where it lives.</param>
/// <param name="SortKey">
/// What queries order by, compared ordinally. Repositories make sort keys unique within a
/// container (they end with the id), so the order of a query is total and pages never overlap.
/// </param>
/// <param name="Body">The document itself: a JSON object.</param>
/// <param name="ETag">The version, set by the store on every write; <see langword="null"/> before the first.</param>
public sealed record MetadataDocument(MetadataKey Key, string SortKey, JsonElement Body, string? ETag = null);
