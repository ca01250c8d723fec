using FedN.Api;
using FedN.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Functions.Http;

/// <summary>
/// The control-plane API (<c>/api/v1/...</c>, host.json's route prefix <c>api</c> plus this route),
/// negotiate included: every request goes to <see cref="ControlPlaneDispatcher"/>, which serves the same
/// endpoints as the local server, so routes, roles and errors cannot drift between the hosts.
/// </summary>
public sealed class ControlPlaneFunction(ControlPlaneDispatcher api)
{
    /// <summary>Serves one API request; the response is written to the request's context.</summary>
    [Function("api")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "v1/{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.RequestServices.GetRequiredService<DurableClientBinding>().Bind(durable);
        await api.InvokeAsync(request.HttpContext);
        return new EmptyResult();
    }
}
