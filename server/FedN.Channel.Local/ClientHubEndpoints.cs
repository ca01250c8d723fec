using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Channel.Local;

/// <summary>Maps the local hub into a host.</summary>
public static class ClientHubEndpoints
{
    /// <summary>
    /// Serves <paramref name="hub"/> at <c>/client/hubs/{hub}</c>. The host must call
    /// <c>UseWebSockets</c> before routing.
    /// </summary>
    public static IEndpointConventionBuilder MapClientHub(this IEndpointRouteBuilder endpoints, LocalClientHub hub)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(hub);
        return endpoints.Map("/client/hubs/{hub}", hub.AcceptAsync).ExcludeFromDescription();
    }
}
