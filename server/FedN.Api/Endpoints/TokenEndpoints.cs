using FedN.Core.Api;
using FedN.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/tokens</c>: an admin mints tokens, for example one per client it enrols.</summary>
internal static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/tokens", Create).WithTags("Tokens").WithSummary("Mints an admin or client token");

    private static TokenResponse Create(CreateTokenRequest request, AccessTokens tokens, TimeProvider time)
    {
        if (request.Days is < 1 or > 365)
        {
            throw new ArgumentException($"days {request.Days} is out of range: use 1 to 365");
        }

        var lifetime = TimeSpan.FromDays(request.Days);
        return new TokenResponse(tokens.Create(request.Role, request.ClientId, lifetime), time.GetUtcNow() + lifetime);
    }
}
