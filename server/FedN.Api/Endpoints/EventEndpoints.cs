using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/events</c>: the status log, of one session or of the federation.</summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/events", ListAsync).WithTags("Events").WithSummary("Status events of ?sessionId= (or the federation's), oldest first (or ?newestFirst=true)");

    private static async Task<Page<StatusEvent>> ListAsync(FederationMetadata metadata, string? sessionId, bool? newestFirst, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Events.ListAsync(sessionId, Paging.Request(pageSize, continuationToken), newestFirst ?? false, cancellationToken));
}
