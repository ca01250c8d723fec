using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FedN.Storage.Azure;

/// <summary>
/// The emulator-only compatibility layer: fills the gaps of the local Cosmos DB emulator
/// (<c>@vercel/cosmosdb-server</c>) that would otherwise break the SDK. Installed only when
/// <see cref="CosmosMetadataStoreOptions.Emulator"/> is set; never between FedN and Azure.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Query plans: before any query the SDK asks the gateway for a plan, which the emulator does
/// not implement. Answer with a pass-through plan (no ORDER BY rewriting, no aggregates, one range
/// covering every partition): the emulator, having a single range, runs the query whole.</item>
/// <item>A point read of a missing document fails there with 500 instead of 404: map it to 404.</item>
/// </list>
/// </remarks>
internal sealed partial class CosmosEmulatorCompatibilityHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const string PassThroughPlan = """
        {"partitionedQueryExecutionInfoVersion":2,
         "queryInfo":{"distinctType":"None","top":null,"offset":null,"limit":null,"orderBy":[],"orderByExpressions":[],
                      "groupByExpressions":[],"groupByAliases":[],"aggregates":[],"groupByAliasToAggregateType":{},
                      "rewrittenQuery":"","hasSelectValue":false,"dCountInfo":null},
         "queryRanges":[{"min":"","max":"FF","isMinInclusive":true,"isMaxInclusive":false}]}
        """;

    /// <summary>An HTTP client for the emulator: its expired self-signed certificate is accepted, and the gaps are filled.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new CosmosEmulatorCompatibilityHandler(new HttpClientHandler
        {
            // Emulator only: it serves a bundled, expired, self-signed certificate on 127.0.0.1.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        }));

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("x-ms-cosmos-is-query-plan-request", out var values) && values.Contains("True", StringComparer.OrdinalIgnoreCase))
        {
            return Json(request, HttpStatusCode.OK, PassThroughPlan);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.InternalServerError
            && request.Method == HttpMethod.Get
            && DocumentPath().IsMatch(request.RequestUri?.AbsolutePath ?? ""))
        {
            response.Dispose();
            return Json(request, HttpStatusCode.NotFound, """{"code":"NotFound","message":"Entity with the specified id does not exist in the system."}""");
        }

        return response;
    }

    private static HttpResponseMessage Json(HttpRequestMessage request, HttpStatusCode status, string json) => new(status)
    {
        RequestMessage = request,
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };

    [GeneratedRegex("^/dbs/[^/]+/colls/[^/]+/docs/[^/]+$")]
    private static partial Regex DocumentPath();
}
