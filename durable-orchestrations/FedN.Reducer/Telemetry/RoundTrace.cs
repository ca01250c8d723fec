using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace FedN.Reducer.Telemetry;

/// <summary>
/// One trace per round attempt, whoever runs its steps. Orchestrators emit nothing (they replay), and
/// activities may run on any node or instance, so no span object can live from plan to commit: the
/// trace id and the round span's id are derived from (session, round, attempt), every step's span
/// names that root as its parent, and the step that ends the attempt (commit or close) emits the root
/// span itself with those ids, from the round's start to its end. Clients get the root as their task's
/// <c>traceparent</c>, so their download, training and upload join the same trace.
/// </summary>
internal static class RoundTrace
{
    // Activity has no public way to choose a span's ids; the Durable Task Framework sets the same
    // private fields to emit its orchestration spans at their end. Without them (another runtime), the
    // root span is emitted in a trace of its own and the steps keep theirs (a test checks this runtime).
    private static readonly FieldInfo? TraceIdField = typeof(Activity).GetField("_traceId", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly FieldInfo? SpanIdField = typeof(Activity).GetField("_spanId", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly FieldInfo? IdField = typeof(Activity).GetField("_id", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>The root of the attempt's trace: its trace id and the round span's id.</summary>
    public static ActivityContext Root(string sessionId, int round, int attempt)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"fedn-round\n{sessionId}\n{round}\n{attempt}")), hash);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash[..16]), ActivitySpanId.CreateFromBytes(hash[16..24]), ActivityTraceFlags.Recorded, isRemote: true);
    }

    /// <summary>The W3C <c>traceparent</c> a client's task carries: the attempt's root.</summary>
    public static string TraceParent(string sessionId, int round, int attempt)
    {
        var root = Root(sessionId, round, attempt);
        return $"00-{root.TraceId.ToHexString()}-{root.SpanId.ToHexString()}-01";
    }

    /// <summary>Starts a span of <paramref name="name"/> under the attempt's root, tagged with the attempt; <see langword="null"/> when nobody listens.</summary>
    public static Activity? Start(string name, IRoundStep step, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = ReducerTelemetry.Source.StartActivity(name, kind, Root(step.SessionId, step.Round, step.Attempt));
        activity?.SetTag(ReducerTelemetry.Attributes.Session, step.SessionId)
            .SetTag(ReducerTelemetry.Attributes.Round, step.Round)
            .SetTag(ReducerTelemetry.Attributes.Attempt, step.Attempt);
        return activity;
    }

    /// <summary>Emits the attempt's root span, <c>fedn.round</c>, from <paramref name="started"/> to <paramref name="ended"/>.</summary>
    public static void EmitRound(IRoundStep step, DateTimeOffset started, DateTimeOffset ended, string status, bool failed)
    {
        // Emitted from inside the closing step's span, but a root: not its child.
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            Emit(step, started, ended, status, failed);
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private static void Emit(IRoundStep step, DateTimeOffset started, DateTimeOffset ended, string status, bool failed)
    {
        var root = Root(step.SessionId, step.Round, step.Attempt);
        // A root of its own (no parent), then given the attempt's ids before anything reads them.
        using var activity = ReducerTelemetry.Source.CreateActivity("fedn.round", ActivityKind.Internal, parentContext: default, idFormat: ActivityIdFormat.W3C);
        if (activity is null)
        {
            return;
        }

        activity.SetStartTime(started.UtcDateTime);
        activity.Start();
        if (TraceIdField is not null && SpanIdField is not null && IdField is not null)
        {
            TraceIdField.SetValue(activity, root.TraceId.ToHexString());
            SpanIdField.SetValue(activity, root.SpanId.ToHexString());
            IdField.SetValue(activity, $"00-{root.TraceId.ToHexString()}-{root.SpanId.ToHexString()}-01");
        }

        activity.SetTag(ReducerTelemetry.Attributes.Session, step.SessionId)
            .SetTag(ReducerTelemetry.Attributes.Round, step.Round)
            .SetTag(ReducerTelemetry.Attributes.Attempt, step.Attempt)
            .SetTag(ReducerTelemetry.Attributes.Status, status)
            .SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        activity.SetEndTime(ended.UtcDateTime);
    }
}
