using FedN.Channel.Azure;
using FedN.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace FedN.Functions.Http;

/// <summary>
/// <c>/api/healthz</c> and <c>/api/readyz</c> (host.json's route prefix), as on the local server: no
/// token, no writes. The app is alive when the worker answers; it is ready when the blob, queue and
/// metadata stores, the Durable task hub and Azure Web PubSub each answer a read within
/// <see cref="ReadinessProbe.Timeout"/>, with the part that does not named.
/// </summary>
public sealed class HealthFunctions(FedNStores stores, AzureWebPubSubHub hub)
{
    /// <summary>200 "ok": the worker runs and serves requests.</summary>
    [Function("healthz")]
    public static IActionResult Alive([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request) =>
        new ContentResult { Content = "ok", ContentType = "text/plain", StatusCode = StatusCodes.Status200OK };

    /// <summary>One line per part; 503 when any part does not answer.</summary>
    [Function("readyz")]
    public async Task<IActionResult> ReadyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "readyz")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await ReadinessProbe.RunAsync(Checks(durable), request.HttpContext.RequestAborted);
        return new ContentResult { Content = report.ToText(), ContentType = "text/plain", StatusCode = report.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable };
    }

    /// <summary>The stores, then the task hub (an instance that never exists) and the hub service (a user that never connects).</summary>
    public IReadOnlyList<ReadinessCheck> Checks(DurableTaskClient durable) =>
    [
        .. ReadinessProbe.StoreChecks(stores),
        new("durable task hub", token => durable.GetInstanceAsync(ReadinessProbe.ProbeName, getInputsAndOutputs: false, token)),
        new("web pubsub", token => hub.ProbeAsync(ReadinessProbe.ProbeName, token)),
    ];
}
