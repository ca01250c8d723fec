namespace FedN.Reducer.Activities;

/// <summary>
/// One batch a combiner decided on, stored (create-only, numbered) before the batch's messages are
/// deleted from the intake. A retried combiner replays its ledger in order and carries on from the
/// queue, so every update is aggregated exactly once and in the same order: the same partial (and the
/// same arrival curve, because each batch keeps the time it was decided).
/// </summary>
/// <param name="Accepted">The updates aggregated, in the order they were.</param>
/// <param name="Rejected">The reports refused, with why.</param>
/// <param name="DecidedAt">When the batch was decided: the arrival time of its updates (absent in ledgers written before it was recorded).</param>
internal sealed record CombineLedgerBatch(IReadOnlyList<AcceptedUpdate> Accepted, IReadOnlyList<RejectedReport> Rejected, DateTimeOffset? DecidedAt = null);

/// <summary>An update the combiner aggregated.</summary>
/// <param name="MessageId">The intake message.</param>
/// <param name="ClientId">The client.</param>
/// <param name="NumExamples">The examples it reported.</param>
/// <param name="Metrics">The training metrics it reported.</param>
/// <param name="Weight">Its weight: the examples, capped by the session (absent in ledgers written before the cap: the examples).</param>
/// <param name="Clipped">Whether it was clipped onto the session's norm bound: the clipped copy was aggregated instead.</param>
/// <param name="Bytes">The update's size, as the intake saw it.</param>
internal sealed record AcceptedUpdate(string MessageId, string ClientId, long NumExamples, IReadOnlyDictionary<string, double>? Metrics, long? Weight = null, bool Clipped = false, long? Bytes = null)
{
    /// <summary>The weight the update was aggregated with.</summary>
    public long WeightUsed => Weight ?? NumExamples;
}

/// <summary>A report the combiner refused, and why.</summary>
/// <param name="MessageId">The intake message.</param>
/// <param name="ClientId">The client it names, if it could be read.</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="SettlesClient">
/// Whether the refusal is the client's answer for this round (its update was refused), so the
/// combiner stops waiting for it. A message about another round says nothing about this one and
/// costs only itself. (Ledgers written before this was recorded read as true, as they were applied.)
/// </param>
/// <param name="NoUpdate">Whether the report was the client's word that it could not train: an answer, but no update.</param>
/// <param name="Bytes">The refused update's size, as the intake saw it: it crossed the network all the same.</param>
internal sealed record RejectedReport(string MessageId, string? ClientId, string Reason, bool SettlesClient = true, bool NoUpdate = false, long? Bytes = null);
