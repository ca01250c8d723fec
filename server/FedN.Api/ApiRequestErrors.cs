using System.Text.Json;
using FedN.Contracts;
using FedN.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace FedN.Api;

/// <summary>
/// A request the API could not bind (a JSON body with a key that is no setting, a value of the
/// wrong kind, broken JSON, a query value that is not a number) is answered with a problem that
/// names the key and what it takes. ASP.NET answers these with an empty 400 unless route handlers
/// throw (<see cref="ControlPlaneApi.AddControlPlaneApi"/> makes them), which this middleware catches.
/// </summary>
public static class ApiRequestErrors
{
    /// <summary>Turns binding failures into problems. Add it after routing and before the endpoints.</summary>
    public static IApplicationBuilder UseRequestErrorProblems(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
            {
                var detail = bad.InnerException is JsonException json
                    ? "the request body: " + JsonInput.Explain(json, context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType ?? typeof(object))
                    : bad.Message;
                var problem = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiProblems.TooLarge(detail) : ApiProblems.BadRequest(detail);
                await problem.ExecuteAsync(context);
            }
        });
    }
}
