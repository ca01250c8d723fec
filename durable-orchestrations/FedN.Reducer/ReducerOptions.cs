using FedN.Contracts.Messaging;
using Microsoft.DurableTask;

namespace FedN.Reducer;

/// <summary>Timings of the reducer that are not part of a session's configuration.</summary>
public sealed record ReducerOptions
{
    /// <summary>
    /// How often an idle combiner looks at its intake for reports other nodes queued; a report
    /// queued on the combiner's own node wakes it at once.
    /// </summary>
    public TimeSpan IntakePollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a woken combiner lets reports gather before it takes them: each batch costs a
    /// ledger write and two queue operations whatever its size, so under load a few milliseconds
    /// buy batches of dozens. It bounds the delay a round's last update adds.
    /// </summary>
    public TimeSpan IntakeGatherWindow { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a message a combiner received stays hidden from other readers. If the combiner dies
    /// before recording it, its retry sees the message again after this long.
    /// </summary>
    public TimeSpan IntakeVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a round waiting for enough online clients plans again.</summary>
    public TimeSpan PlanRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after the deadline the round waits for a combiner before closing without it (a
    /// combiner closes at the deadline itself; one that has not returned by then is stuck).
    /// </summary>
    public TimeSpan CombinerGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of activities: with backoff, the same input each time (activities are idempotent).</summary>
    public RetryPolicy ActivityRetry { get; init; } = new(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30));

    /// <summary>The options every activity call passes: <see cref="ActivityRetry"/>.</summary>
    internal TaskOptions ActivityOptions => TaskOptions.FromRetryPolicy(ActivityRetry);

    /// <summary>Validity of task URLs beyond the round's deadline (clock skew, slow uploads started in time).</summary>
    public TimeSpan UrlSlack { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bounds on what clients report, checked as reports arrive.</summary>
    public ReportLimits ReportLimits { get; init; } = ReportLimits.Default;

    /// <summary>Time source of the activities (tests use a fake clock).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
