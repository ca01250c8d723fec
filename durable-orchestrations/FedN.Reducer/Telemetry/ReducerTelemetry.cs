using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FedN.Reducer.Telemetry;

/// <summary>
/// The reducer's spans and instruments, on the BCL's <see cref="ActivitySource"/> and
/// <see cref="Meter"/>: nothing is recorded unless a host subscribes (FedN.Hosting's telemetry
/// settings, or a test's exporter). Names follow OpenTelemetry's conventions: dotted lower case,
/// UCUM units, <c>{thing}</c> for counts.
/// </summary>
public static class ReducerTelemetry
{
    /// <summary>The name of the reducer's <see cref="ActivitySource"/> and <see cref="Meter"/>.</summary>
    public const string Name = "FedN.Reducer";

    internal static readonly ActivitySource Source = new(Name, typeof(ReducerTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(ReducerTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Reports the intake took, one per client and round attempt.</summary>
    internal static readonly Counter<long> UpdatesReceived = Meter.CreateCounter<long>("fedn.updates.received", "{update}", "Update reports the intake took");

    /// <summary>Reports refused, by where (<c>intake</c>, <c>combiner</c>).</summary>
    internal static readonly Counter<long> UpdatesRefused = Meter.CreateCounter<long>("fedn.updates.refused", "{update}", "Update reports refused, each with its reason recorded");

    /// <summary>Updates aggregated into a round's model.</summary>
    internal static readonly Counter<long> UpdatesAggregated = Meter.CreateCounter<long>("fedn.updates.aggregated", "{update}", "Updates aggregated into committed models");

    /// <summary>Bytes a round moved, by direction (<c>down</c>, <c>up</c>).</summary>
    internal static readonly Counter<long> Traffic = Meter.CreateCounter<long>("fedn.round.traffic", "By", "Bytes of models sent to clients and of updates they uploaded");

    /// <summary>Bytes of updates the combiners aggregated: its rate is the aggregation throughput.</summary>
    internal static readonly Counter<long> AggregatedBytes = Meter.CreateCounter<long>("fedn.aggregation.bytes", "By", "Bytes of updates read into partial aggregates");

    /// <summary>Round attempts that ended, by status (committed, failed, stopped).</summary>
    internal static readonly Counter<long> RoundAttempts = Meter.CreateCounter<long>("fedn.round.attempts", "{attempt}", "Round attempts that ended, by status");

    /// <summary>How long a round attempt took, start to end.</summary>
    internal static readonly Histogram<double> RoundDuration = Meter.CreateHistogram<double>("fedn.round.duration", "s", "Round attempts from plan to commit or close");

    /// <summary>How long each step of a round took (plan, dispatch, combine, reduce, validate, commit).</summary>
    internal static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("fedn.round.step.duration", "s", "Each step of a round attempt");

    /// <summary>Attribute names FedN's spans and instruments carry. None holds a token or a secret.</summary>
    public static class Attributes
    {
        /// <summary>The session.</summary>
        public const string Session = "fedn.session.id";

        /// <summary>The round number.</summary>
        public const string Round = "fedn.round";

        /// <summary>The round's attempt.</summary>
        public const string Attempt = "fedn.round.attempt";

        /// <summary>The step of a round.</summary>
        public const string Step = "fedn.step";

        /// <summary>The combiner's shard.</summary>
        public const string Shard = "fedn.shard";

        /// <summary>The authenticated client.</summary>
        public const string Client = "fedn.client.id";

        /// <summary>Bytes of an update or a transfer.</summary>
        public const string Bytes = "fedn.bytes";

        /// <summary>Why a report was refused.</summary>
        public const string Reason = "fedn.reason";

        /// <summary>Where a report was refused: <c>intake</c> or <c>combiner</c>.</summary>
        public const string Stage = "fedn.stage";

        /// <summary>How a round attempt ended.</summary>
        public const string Status = "fedn.round.status";

        /// <summary>The direction of traffic: <c>down</c> or <c>up</c>.</summary>
        public const string Direction = "fedn.direction";
    }
}
