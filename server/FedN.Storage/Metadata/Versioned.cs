namespace FedN.Storage.Metadata;

/// <summary>A record as read from the store, with the ETag an update must present.</summary>
/// <param name="Value">The record.</param>
/// <param name="ETag">Its version when read.</param>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>Which page of a list to return.</summary>
/// <param name="PageSize">At most this many records (1 to <see cref="MetadataQuery.MaxPageSize"/>).</param>
/// <param name="ContinuationToken">The previous page's token; <see langword="null"/> for the first page.</param>
public readonly record struct PageRequest(int PageSize = 100, string? ContinuationToken = null)
{
    /// <summary>The first page, of the default size (without this, <c>new PageRequest()</c> would ask for 0 records).</summary>
    public PageRequest()
        : this(100)
    {
    }

    /// <summary>The first page, of the default size.</summary>
    public static PageRequest First => new(100);
}

/// <summary>One page of records.</summary>
/// <param name="Items">The records, in the list's order.</param>
/// <param name="ContinuationToken">Ask for the next page with it; <see langword="null"/> on the last page.</param>
public sealed record RecordPage<T>(IReadOnlyList<Versioned<T>> Items, string? ContinuationToken)
{
    /// <summary>Records of this page that could not be read (each named, with why): left out so one damaged record does not hide the rest.</summary>
    public IReadOnlyList<string> Unreadable { get; init; } = [];
}
