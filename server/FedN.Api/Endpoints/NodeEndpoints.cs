using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/nodes</c>: the server nodes of a deployment of several (admin); empty for a single server or on Azure.</summary>
internal static class NodeEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGroup("/nodes").WithTags("Nodes")
            .MapGet("/", ListAsync).WithSummary("Server nodes by id, with their address, start and when they last said they were alive");
    }

    private static async Task<Page<NodeRecord>> ListAsync(FederationMetadata metadata, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Nodes.ListAsync(Paging.Request(pageSize, continuationToken), cancellationToken));
}
