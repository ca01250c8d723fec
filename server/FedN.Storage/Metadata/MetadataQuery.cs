using System.Text.Json;
using FedN.Contracts;

namespace FedN.Storage.Metadata;

/// <summary>A query over one container: equality filters on top-level body fields, ordered by sort key, one page at a time.</summary>
public sealed record MetadataQuery
{
    /// <summary>Largest page a query may ask for.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Only documents of this partition; <see langword="null"/> queries across partitions.</summary>
    public string? Partition { get; init; }

    /// <summary>Every filter must hold (AND).</summary>
    public IReadOnlyList<MetadataFilter> Filters { get; init; } = [];

    /// <summary>Newest (largest sort key) first.</summary>
    public bool Descending { get; init; }

    /// <summary>At most this many documents per page (1 to <see cref="MaxPageSize"/>).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where the previous page of the same query ended; opaque and valid only on the same store.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when the query cannot be run (filters check their fields when made).</summary>
    public void Validate()
    {
        if (PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentException($"page size {PageSize} is out of range: use 1 to {MaxPageSize}", nameof(PageSize));
        }
    }
}

/// <summary>A top-level body field that must equal a value (a string, a whole number or a Boolean).</summary>
public sealed record MetadataFilter
{
    private MetadataFilter(string field, object value)
    {
        Field = MetadataPath.ValidateField(field);
        Value = value;
    }

    /// <summary>The field's JSON name.</summary>
    public string Field { get; }

    /// <summary>The value: a <see cref="string"/>, <see cref="long"/> or <see cref="bool"/>.</summary>
    public object Value { get; }

    /// <summary>The field equals <paramref name="value"/>.</summary>
    public static MetadataFilter Equal(string field, string value) => new(field, value ?? throw new ArgumentNullException(nameof(value)));

    /// <inheritdoc cref="Equal(string, string)" />
    public static MetadataFilter Equal(string field, long value) => new(field, value);

    /// <inheritdoc cref="Equal(string, string)" />
    public static MetadataFilter Equal(string field, bool value) => new(field, value);

    /// <summary>Whether <paramref name="body"/>'s field holds the value, as the stores' queries compare it.</summary>
    public bool Matches(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(Field, out var field) && Value switch
        {
            string text => field.ValueKind == JsonValueKind.String && field.ValueEquals(text),
            long number => field.ValueKind == JsonValueKind.Number && field.TryGetInt64(out var stored) && stored == number,
            bool flag => field.ValueKind == (flag ? JsonValueKind.True : JsonValueKind.False),
            _ => false,
        };

    /// <summary>The field equals <paramref name="value"/> as records store it (<see cref="FedNJson"/>: a camelCase string).</summary>
    public static MetadataFilter Equal<TEnum>(string field, TEnum value)
        where TEnum : struct, Enum =>
        new(field, JsonSerializer.SerializeToElement(value, FedNJson.Options).GetString()!);
}

/// <summary>One page of a query's results.</summary>
/// <param name="Documents">The documents, in the query's order.</param>
/// <param name="ContinuationToken">Pass it in the next query to get the next page; <see langword="null"/> on the last page.</param>
public sealed record MetadataPage(IReadOnlyList<MetadataDocument> Documents, string? ContinuationToken);
