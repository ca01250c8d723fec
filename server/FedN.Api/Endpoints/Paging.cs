using FedN.Contracts.Api;
using FedN.Storage.Metadata;

namespace FedN.Api.Endpoints;

/// <summary>List paging from the query string (<c>?pageSize=&amp;continuationToken=</c>).</summary>
internal static class Paging
{
    public static PageRequest Request(int? pageSize, string? continuationToken) => pageSize switch
    {
        null => new PageRequest(ContinuationToken: continuationToken),
        < 1 or > MetadataQuery.MaxPageSize => throw new ArgumentException($"pageSize {pageSize} is out of range: use 1 to {MetadataQuery.MaxPageSize}"),
        { } size => new PageRequest(size, continuationToken),
    };

    public static Page<T> Of<T>(RecordPage<T> page, Func<T, T>? describe = null) =>
        new([.. page.Items.Select(item => describe is null ? item.Value : describe(item.Value))], page.ContinuationToken) { Warnings = page.Unreadable.Count > 0 ? page.Unreadable : null };
}
