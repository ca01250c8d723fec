using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Dashboard;

/// <summary>Maps the dashboard on a host that routes requests itself (the local server).</summary>
public static class DashboardEndpoints
{
    /// <summary>Where the local server serves the dashboard.</summary>
    public const string BasePath = "/dashboard";

    /// <summary>Serves <paramref name="files"/> under <see cref="BasePath"/>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, DashboardFiles files)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(files);
        endpoints.MapGet(BasePath + "/{**path}", (HttpContext context, string? path) => files.ServeAsync(context, path)).ExcludeFromDescription();
        return endpoints;
    }
}
