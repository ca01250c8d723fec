using FedN.Contracts.Api;
using FedN.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/tokens</c>: an admin mints tokens, for example one per client it enrols.</summary>
internal static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/tokens", Create).WithTags("Tokens").WithSummary("Mints an admin or client token");
        api.MapPost("/tokens/{id}/revoke", RevokeAsync).WithTags("Tokens")
            .WithSummary("Revokes a token before it expires: refused from then on by the API and the hub, whose connections made with it close");
    }

    private static async Task<IResult> RevokeAsync(string id, ITokenRevocations revocations, CancellationToken cancellationToken)
    {
        await revocations.RevokeAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static TokenResponse Create(CreateTokenRequest request, AccessTokens tokens, TimeProvider time)
    {
        if (request.Days is < 1 or > 365)
        {
            throw new ArgumentException($"days {request.Days} is out of range: use 1 to 365");
        }

        var lifetime = TimeSpan.FromDays(request.Days);
        var token = tokens.Create(request.Role, request.ClientId, lifetime);
        return new TokenResponse(token, time.GetUtcNow() + lifetime) { Id = AccessTokens.IdOf(token) };
    }
}
