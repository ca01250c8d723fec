using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api;

/// <summary>
/// The whole control-plane API as one request handler, for hosts that route every request under
/// <see cref="ControlPlaneApi.BasePath"/> to a single entry point (the Functions app's HTTP trigger):
/// the request is matched against the same endpoints <see cref="ControlPlaneApi.MapControlPlaneApi"/>
/// maps on the local server, so routes, roles, validation and problem details are identical.
/// </summary>
public sealed class ControlPlaneDispatcher
{
    private readonly RequestDelegate _pipeline;

    /// <summary>Builds the API's routing pipeline over <paramref name="services"/> (which need <see cref="ControlPlaneApi.AddControlPlaneApi"/> and what it lists).</summary>
    public ControlPlaneDispatcher(IServiceProvider services, ControlPlaneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseRequestErrorProblems();
        app.UseControlPlaneAuthorization(options);
        app.UseEndpoints(endpoints => endpoints.MapControlPlaneApi(options));
        _pipeline = app.Build();
    }

    /// <summary>Handles <paramref name="context"/> and writes the API's response to it.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The host matched its own catch-all endpoint; clear it so the API's routing matches the request afresh.
        context.SetEndpoint(null);
        context.Request.RouteValues.Clear();
        return _pipeline(context);
    }
}
