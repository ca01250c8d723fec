using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Server;

/// <summary>
/// Whether every part of the server that runs in the background is still running. A part that dies
/// records why here before the host stops: <c>/healthz</c> says so while the server goes down, and
/// <c>fedn server</c> exits non-zero with the reason instead of serving on without a reducer.
/// </summary>
public sealed class ServerHealth
{
    private volatile ServerPartFailure? _failure;

    /// <summary>The first part that died, and why; <see langword="null"/> while all run.</summary>
    public ServerPartFailure? Failure => _failure;

    /// <summary>Records that <paramref name="part"/> died of <paramref name="error"/> (the first failure is kept).</summary>
    public void Fail(string part, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Interlocked.CompareExchange(ref _failure, new ServerPartFailure(part, error.Message), null);
    }
}

/// <summary>A background part of the server that stopped: which, and why.</summary>
public sealed record ServerPartFailure(string Part, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"the {Part} stopped: {Reason}";
}

/// <summary><c>GET /healthz</c>: 200 "ok" while every background part runs, 503 naming the one that stopped.</summary>
public static class HealthEndpoints
{
    /// <summary>Maps <c>/healthz</c> on <paramref name="endpoints"/>.</summary>
    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder endpoints, ServerHealth health) =>
        endpoints.MapGet("/healthz", () => health.Failure is { } failure
            ? Results.Text($"{failure}\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok", "text/plain")).ExcludeFromDescription();
}
