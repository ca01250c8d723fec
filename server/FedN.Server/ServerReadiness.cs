using System.Diagnostics;
using FedN.Hosting;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Server;

/// <summary>
/// <c>GET /readyz</c>: whether the server can do its work right now. 200 when every background part
/// runs and each store answers a read within <see cref="ProbeTimeout"/>; 503 otherwise, with one line
/// per part naming what failed. The probes only read (a missing blob, queue and document), so a load
/// balancer may call it as often as it likes without writing anything.
/// </summary>
public static class ServerReadiness
{
    /// <summary>How long each store has to answer.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private const string ProbeName = "readiness-probe";

    /// <summary>Maps <c>/readyz</c> on <paramref name="endpoints"/>.</summary>
    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder endpoints, ServerHealth health, FedNStores stores) =>
        endpoints.MapGet("/readyz", async (CancellationToken aborted) =>
        {
            var checks = await Task.WhenAll(
                Task.FromResult(health.Failure is { } failure ? $"background: {failure}" : "background: ok"),
                ProbeAsync("blob store", token => stores.Blobs.GetPropertiesAsync($"{ProbeName}/absent", token), aborted),
                ProbeAsync("queue store", token => stores.Queues.ReceiveAsync(ProbeName, 1, TimeSpan.FromSeconds(1), token), aborted),
                ProbeAsync("metadata store", token => stores.Metadata.ReadAsync(MetadataContainers.Sessions, new MetadataKey(ProbeName, ProbeName), token), aborted));
            var ready = checks.All(check => check.EndsWith(": ok", StringComparison.Ordinal));
            return Results.Text(string.Join('\n', checks) + "\n", "text/plain", statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).ExcludeFromDescription();

    private static async Task<string> ProbeAsync(string part, Func<CancellationToken, Task> read, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(ProbeTimeout);
        var watch = Stopwatch.StartNew();
        try
        {
            await read(timeout.Token);
            return $"{part}: ok";
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return $"{part}: no answer within {ProbeTimeout.TotalSeconds:0} s";
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The exception's message, never the connection string: store adapters do not put secrets in messages.
            return $"{part}: {error.GetType().Name}: {error.Message} (after {watch.ElapsedMilliseconds} ms)";
        }
    }
}
