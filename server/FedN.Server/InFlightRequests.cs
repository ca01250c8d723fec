using Microsoft.AspNetCore.Builder;

namespace FedN.Server;

/// <summary>
/// How many HTTP requests the server is answering now (model transfers, API calls; WebSockets are
/// counted by the hub), so a stopping server can say what it waits for.
/// </summary>
public sealed class InFlightRequests
{
    private int _count;

    /// <summary>Requests started and not yet answered.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Counts every request of <paramref name="app"/>; add it first.</summary>
    internal void CountRequestsOf(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _count);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _count);
        }
    });
}
