using FedN.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Server;

/// <summary>
/// <c>GET /readyz</c>: whether the server can do its work right now. 200 when every background part
/// runs and each store answers a read within <see cref="ReadinessProbe.Timeout"/>; 503 otherwise,
/// with one line per part naming what failed. No token, no writes.
/// </summary>
public static class ServerReadiness
{
    /// <summary>Maps <c>/readyz</c> on <paramref name="endpoints"/>.</summary>
    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder endpoints, ServerHealth health, FedNStores stores) =>
        endpoints.MapGet("/readyz", async (CancellationToken aborted) =>
        {
            var report = await ReadinessProbe.RunAsync(ReadinessProbe.StoreChecks(stores), aborted, ("background", health.Failure?.ToString()));
            return Results.Text(report.ToText(), "text/plain", statusCode: report.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).ExcludeFromDescription();
}
