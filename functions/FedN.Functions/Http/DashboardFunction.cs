using FedN.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FedN.Functions.Http;

/// <summary>
/// The dashboard's static files at <c>/api/dashboard/</c> (host.json's route prefix plus this route),
/// bundled in the app package. The page reads the same API at <c>/api/v1</c> as on the local server.
/// </summary>
public sealed class DashboardFunction(DashboardFiles files)
{
    /// <summary>Serves one file of the dashboard; the response is written to the request's context.</summary>
    [Function("dashboard")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{*path}")] HttpRequest request,
        string? path)
    {
        ArgumentNullException.ThrowIfNull(request);
        await files.ServeAsync(request.HttpContext, path);
        return new EmptyResult();
    }
}
