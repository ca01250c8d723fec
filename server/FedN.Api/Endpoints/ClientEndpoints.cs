using FedN.Channel;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Security;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/clients</c>: list and get (admin); connect, the negotiate call of a client.</summary>
internal static class ClientEndpoints
{
    public static void Map(RouteGroupBuilder api, RouteGroupBuilder clientApi, ControlPlaneOptions options)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients");
        clients.MapGet("/", ListAsync).WithSummary("Clients by id, optionally only ?online=true or false, with last seen");
        clients.MapGet("/{id}", GetAsync).WithSummary("One client");
        clients.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Deletes a client's record; refused while it is connected or a session that has not ended names it (revoke its token first so it cannot come back)");

        clientApi.MapPost("/clients/connect", (HttpContext context, IClientHub hub, CancellationToken cancellationToken) => ConnectAsync(context, hub, options, cancellationToken))
            .WithTags("Clients")
            .Produces<NegotiateResponse>()
            .WithSummary("Negotiate: the WebSocket URL (with its access token) through which this client receives its tasks");
    }

    private static async Task<Page<ClientRecord>> ListAsync(FederationMetadata metadata, bool? online, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Clients.ListAsync(Paging.Request(pageSize, continuationToken), online, cancellationToken));

    private static async Task<IResult> GetAsync(FederationMetadata metadata, string id, CancellationToken cancellationToken) =>
        await metadata.Clients.GetAsync(id, cancellationToken) is { } client
            ? TypedResults.Ok(client.Value)
            : ApiProblems.NotFound($"there is no client '{id}'; a client appears when it first connects");

    private static async Task<IResult> DeleteAsync(FederationMetadata metadata, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Clients.GetAsync(id, cancellationToken) is not { Value: var client })
        {
            return ApiProblems.NotFound($"there is no client '{id}'");
        }

        if (client.Online)
        {
            return ApiProblems.Conflict($"client '{id}' is connected; revoke its token (fedn token revoke ID) so it cannot come back, and delete it once it is offline");
        }

        if ((await ActiveSessions.ListAsync(metadata, cancellationToken)).FirstOrDefault(s => s.Config.Clients?.Contains(id, StringComparer.Ordinal) == true) is { } user)
        {
            return ApiProblems.Conflict($"client '{id}' takes part in session '{user.Id}' ({user.Status.ToString().ToLowerInvariant()}); delete it once that session has ended");
        }

        await metadata.Clients.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ConnectAsync(HttpContext context, IClientHub hub, ControlPlaneOptions options, CancellationToken cancellationToken)
    {
        var clientId = context.Identity().ClientId!;
        if (!ServerAddress.TryResolve(context.Request, options.PublicUri, out var baseUri))
        {
            return ApiProblems.BadRequest(ServerAddress.MalformedHost(context.Request));
        }

        var url = await hub.GetClientAccessUriAsync(clientId, baseUri, options.ConnectionTokenLifetime, context.Identity().TokenId, cancellationToken);
        var token = QueryHelpers.ParseQuery(url.Query)[WebPubSubProtocol.AccessTokenParameter].ToString();
        return TypedResults.Ok(new NegotiateResponse(url, new Uri(url.GetLeftPart(UriPartial.Path)), token));
    }
}
