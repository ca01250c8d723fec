using FedN.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Api;

/// <summary>
/// Bearer-token roles on the API: <see cref="RequireRole"/> refuses a request without a valid token of
/// the role (401 or 403 with a problem that says what to do), and leaves the token's identity for the
/// endpoint. <see cref="UseControlPlaneAuthorization"/> does it before the endpoint runs, so a request
/// without a valid token is refused before any of its body is read or parsed; the endpoint filter
/// checks again where a host did not add the middleware.
/// </summary>
public static class ApiAuthorization
{
    private static readonly object IdentityKey = new();

    /// <summary>Every endpoint of <paramref name="builder"/> needs a valid token with <paramref name="role"/>.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequiredRole(role));
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Items.ContainsKey(IdentityKey) ? await next(context)
            : await AuthorizeAsync(context.HttpContext, role) ?? await next(context));
        return builder;
    }

    /// <summary>
    /// Checks the token of every request for an API endpoint before the endpoint reads its body, and
    /// holds JSON requests to <see cref="ControlPlaneOptions.MaxJsonBodyBytes"/> (a route that takes
    /// more, such as a model upload, raises its own limit). Add it after routing.
    /// </summary>
    public static IApplicationBuilder UseControlPlaneAuthorization(this IApplicationBuilder app, ControlPlaneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var maxJsonBytes = (options ?? new ControlPlaneOptions()).MaxJsonBodyBytes;
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>() is { } required)
            {
                if (await AuthorizeAsync(context, required.Role) is { } refusal)
                {
                    await refusal.ExecuteAsync(context);
                    return;
                }

                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = maxJsonBytes;
                }
            }

            await next(context);
        });
    }

    /// <summary>The identity <see cref="RequireRole"/> checked for this request.</summary>
    public static AccessTokenIdentity Identity(this HttpContext context) =>
        context.Items[IdentityKey] as AccessTokenIdentity ?? throw new InvalidOperationException("the endpoint has no RequireRole filter");

    /// <summary>Refuses the request when it has no valid token of <paramref name="role"/>; otherwise records the identity and returns <see langword="null"/>.</summary>
    private static async Task<IResult?> AuthorizeAsync(HttpContext http, string role)
    {
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
        return null;
    }

    /// <summary>The role an endpoint needs, as endpoint metadata.</summary>
    private sealed record RequiredRole(string Role);
}
