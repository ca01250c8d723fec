using System.Diagnostics;
using FedN.Contracts.Messaging;

namespace FedN.Client;

/// <summary>
/// The client's spans, on the BCL's <see cref="ActivitySource"/> named <see cref="Name"/>: a span per
/// task (<c>fedn.client.task</c>) with its download, training or validation, and upload as children,
/// under the round's trace context the task carries (<see cref="ClientTask.TraceParent"/>). Nothing is
/// recorded unless the application subscribes (for example with OpenTelemetry's
/// <c>AddSource(ClientTelemetry.Name)</c>).
/// </summary>
public static class ClientTelemetry
{
    /// <summary>The name of the client's <see cref="ActivitySource"/>.</summary>
    public const string Name = "FedN.Client";

    internal static readonly ActivitySource Source = new(Name, typeof(ClientTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of <paramref name="task"/>; a trace context the client cannot parse starts a trace of its own.</summary>
    internal static Activity? StartTask(ClientTask task, string? clientId)
    {
        ActivityContext.TryParse(task.TraceParent, traceState: null, isRemote: true, out var parent);
        var activity = Source.StartActivity("fedn.client.task", ActivityKind.Consumer, parent);
        activity?.SetTag("fedn.session.id", task.SessionId)
            .SetTag("fedn.round", task.Round)
            .SetTag("fedn.round.attempt", task.Attempt)
            .SetTag("fedn.task.kind", task.Kind.ToString().ToLowerInvariant())
            .SetTag("fedn.client.id", clientId);
        return activity;
    }

    /// <summary>Starts a step of the current task (download, train, validate, upload).</summary>
    internal static Activity? StartStep(string step) => Source.StartActivity($"fedn.client.{step}");
}
