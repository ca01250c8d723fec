using System.Text.Json.Serialization;
using FedN.Api.Endpoints;
using FedN.Contracts;
using FedN.Core;
using FedN.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Api;

/// <summary>
/// The control-plane API under <see cref="BasePath"/>. Every operation needs an admin token but
/// <c>POST /api/v1/clients/connect</c>, which needs the connecting client's own token. The OpenAPI
/// document is at <see cref="OpenApiPath"/>.
/// </summary>
public static class ControlPlaneApi
{
    /// <summary>Where the API lives.</summary>
    public const string BasePath = "/api/v1";

    /// <summary>The OpenAPI document's URL path.</summary>
    public const string OpenApiPath = "/api/v1/openapi.json";

    /// <summary>
    /// Registers what the API needs besides the stores and services the host provides
    /// (<c>FederationMetadata</c>, <c>IBlobStore</c>, <c>IOrchestrationClient</c>, <c>SessionControl</c>,
    /// <c>AccessTokens</c>, <c>IClientHub</c>, <c>TimeProvider</c>): JSON as FedN writes it, problem details, OpenAPI.
    /// </summary>
    public static IServiceCollection AddControlPlaneApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.PropertyNamingPolicy = FedNJson.Options.PropertyNamingPolicy;
            json.DefaultIgnoreCondition = FedNJson.Options.DefaultIgnoreCondition;
            json.NumberHandling = FedNJson.Options.NumberHandling;
            // Request bodies are what people write: a key that maps to nothing is refused (JsonInput).
            json.UnmappedMemberHandling = JsonInput.Options.UnmappedMemberHandling;
            json.Converters.Add(new JsonStringEnumConverter(FedNJson.Options.PropertyNamingPolicy, allowIntegerValues: false));
        });
        services.AddRouting();
        // Binding failures throw, so ApiRequestErrors can say what was wrong instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "FedN control-plane API";
            document.Info.Description = "Models, sessions, rounds, clients, validations and events of a FedN federation, and a live stream of what changes. Send 'Authorization: Bearer <token>': an admin token for everything but POST /api/v1/clients/connect, which takes the client's own token.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Maps the API and its OpenAPI document.</summary>
    public static IEndpointRouteBuilder MapControlPlaneApi(this IEndpointRouteBuilder endpoints, ControlPlaneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new ControlPlaneOptions();
        endpoints.MapOpenApi("/api/{documentName}/openapi.json");
        var admin = endpoints.MapGroup(BasePath).RequireRole(AccessTokenRoles.Admin).MapExceptions();
        var client = endpoints.MapGroup(BasePath).RequireRole(AccessTokenRoles.Client).MapExceptions();
        ModelEndpoints.Map(admin, options);
        PackageEndpoints.Map(admin);
        SessionEndpoints.Map(admin);
        AggregatorEndpoints.Map(admin);
        ClientEndpoints.Map(admin, client, options);
        EventEndpoints.Map(admin);
        NodeEndpoints.Map(admin);
        LiveEndpoints.Map(admin, options);
        TokenEndpoints.Map(admin);
        endpoints.MapFallback(BasePath + "/{**path}", (string path) => ApiProblems.NotFound($"there is no API route '{BasePath}/{path}'; the routes are listed in {OpenApiPath}"))
            .ExcludeFromDescription();
        return endpoints;
    }
}
