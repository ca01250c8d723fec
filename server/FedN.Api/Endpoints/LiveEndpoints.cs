using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using FedN.Api.Live;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary>
/// <c>/api/v1/live</c>: server-sent events that say what to read again, so a dashboard follows a
/// session without polling every resource. Each event's type is the part that changed
/// (<see cref="FederationChange"/>) and its data the part's new version.
/// </summary>
internal static class LiveEndpoints
{
    /// <summary>What needs a listing (clients, validations) is looked at every this many polls.</summary>
    private const int SlowPollEvery = 3;

    public static void Map(RouteGroupBuilder api, ControlPlaneOptions options) =>
        api.MapGet("/live", (HttpContext context, FederationMetadata metadata, TimeProvider time, string? sessionId, bool? clients, CancellationToken cancellationToken) =>
            {
                // Each event must reach the browser when it is written, not when a buffer fills.
                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                return TypedResults.ServerSentEvents(WatchAsync(new FederationWatcher(metadata, sessionId, clients ?? true), options, time, cancellationToken));
            })
            .WithTags("Live")
            .WithSummary("Server-sent events naming what changed (sessions, or ?sessionId='s session, rounds with their validations, and events; and clients unless ?clients=false); the stream ends after a while and the watcher reconnects");

    private static async IAsyncEnumerable<SseItem<string>> WatchAsync(FederationWatcher watcher, ControlPlaneOptions options, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var lastSent = started;
        for (var poll = 0; time.GetUtcNow() - started < options.LiveStreamLifetime; poll++)
        {
            var changes = await watcher.PollAsync(slowPoll: poll % SlowPollEvery == 0, cancellationToken);
            foreach (var change in changes)
            {
                yield return new SseItem<string>(change.Version, change.Part) { ReconnectionInterval = options.LivePollInterval };
            }

            var now = time.GetUtcNow();
            if (changes.Count > 0)
            {
                lastSent = now;
            }
            else if (now - lastSent >= options.LiveKeepAliveInterval)
            {
                lastSent = now;
                yield return new SseItem<string>("", FederationChange.KeepAlive);
            }

            await Task.Delay(options.LivePollInterval, time, cancellationToken);
        }
    }
}
