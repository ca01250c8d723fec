namespace FedN.Reducer.Activities;

/// <summary>
/// One batch a combiner decided on, stored (create-only, numbered) before the batch's messages are
/// deleted from the intake. A retried combiner replays its ledger in order and carries on from the
/// queue, so every update is aggregated exactly once and in the same order: the same partial.
/// </summary>
internal sealed record CombineLedgerBatch(IReadOnlyList<AcceptedUpdate> Accepted, IReadOnlyList<RejectedReport> Rejected);

/// <summary>An update the combiner aggregated.</summary>
internal sealed record AcceptedUpdate(string MessageId, string ClientId, long NumExamples, IReadOnlyDictionary<string, double>? Metrics);

/// <summary>A report the combiner refused, and why.</summary>
internal sealed record RejectedReport(string MessageId, string? ClientId, string Reason);
