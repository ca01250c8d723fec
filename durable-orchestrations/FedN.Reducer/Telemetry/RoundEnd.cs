using System.Diagnostics;
using FedN.Contracts.Federation;

namespace FedN.Reducer.Telemetry;

/// <summary>
/// What the end of a round attempt records: its root span (<see cref="RoundTrace.EmitRound"/>), and
/// its figures as metrics. Called once per attempt, by the step that moved its record to its final
/// status, so a retried commit or close adds nothing twice.
/// </summary>
internal static class RoundEnd
{
    public static void Record(RoundRecord round, IRoundStep attempt, DateTimeOffset now)
    {
        var status = round.Status.ToString().ToLowerInvariant();
        var ended = round.EndedAt ?? now;
        RoundTrace.EmitRound(attempt, round.StartedAt, ended, status, failed: round.Status == RoundStatus.Failed);
        var session = new KeyValuePair<string, object?>(ReducerTelemetry.Attributes.Session, round.SessionId);
        var tags = new TagList { session, { ReducerTelemetry.Attributes.Status, status } };
        ReducerTelemetry.RoundAttempts.Add(1, tags);
        ReducerTelemetry.RoundDuration.Record((ended - round.StartedAt).TotalSeconds, tags);
        if (round.Status == RoundStatus.Committed)
        {
            ReducerTelemetry.UpdatesAggregated.Add(round.UpdatesAggregated, session);
        }

        if (round.Traffic is { } traffic)
        {
            ReducerTelemetry.Traffic.Add(traffic.BytesDown, session, new(ReducerTelemetry.Attributes.Direction, "down"));
            ReducerTelemetry.Traffic.Add(traffic.BytesUp, session, new(ReducerTelemetry.Attributes.Direction, "up"));
        }
    }
}
