using FedN.Contracts.Api;

namespace FedN.Cli.Commands;

/// <summary>Reads every page of a list.</summary>
internal static class Pages
{
    public static async Task<IReadOnlyList<T>> AllAsync<T>(Func<string?, Task<Page<T>>> page)
    {
        List<T> items = [];
        string? token = null;
        do
        {
            var next = await page(token);
            items.AddRange(next.Items);
            token = next.ContinuationToken;
        }
        while (token is not null);
        return items;
    }
}
