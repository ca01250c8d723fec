using FedN.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Api;

/// <summary>
/// Bearer-token roles on the API: <see cref="RequireRole"/> refuses a request without a valid token of
/// the role (401 or 403 with a problem that says what to do), and leaves the token's identity for the endpoint.
/// </summary>
public static class ApiAuthorization
{
    private static readonly object IdentityKey = new();

    /// <summary>Every endpoint of <paramref name="builder"/> needs a valid token with <paramref name="role"/>.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return ApiProblems.Unauthorized(role == AccessTokenRoles.Admin
                    ? "no access token: send 'Authorization: Bearer <token>' with an admin token (./fedn token create --role admin)"
                    : "no access token: send 'Authorization: Bearer <token>' with this client's token (./fedn token create --role client --client-id ID)");
            }

            AccessTokenIdentity identity;
            try
            {
                identity = await http.RequestServices.GetRequiredService<AccessTokens>().ValidateAsync(header["Bearer ".Length..].Trim());
            }
            catch (AccessTokenRejectedException rejected)
            {
                return ApiProblems.Unauthorized(rejected.Message);
            }

            if (identity.Role != role)
            {
                return ApiProblems.Forbidden(role == AccessTokenRoles.Admin
                    ? "this operation needs an admin token; a client token can only connect its client (POST /api/v1/clients/connect)"
                    : $"this operation is for clients; use a client token (./fedn token create --role client --client-id ID)");
            }

            http.Items[IdentityKey] = identity;
            return await next(context);
        });
        return builder;
    }

    /// <summary>The identity <see cref="RequireRole"/> checked for this request.</summary>
    public static AccessTokenIdentity Identity(this HttpContext context) =>
        context.Items[IdentityKey] as AccessTokenIdentity ?? throw new InvalidOperationException("the endpoint has no RequireRole filter");
}
