// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the validation collector.</summary>
public sealed record CollectValidationsRequest(string SessionId, int Round, string ModelId, int Expected, DateTimeOffset Deadline) : Telemetry.IRoundStep
{
    /// <summary>The attempt (1 in histories written before it was passed).</summary>
    public int Attempt { get; init; } = 1;
}

/// <summary>Validation reports of a round and their example-weighted means.</summary>
public sealed record ValidationSummary(int Reports, long Examples, IReadOnlyDictionary<string, double> Metrics);
