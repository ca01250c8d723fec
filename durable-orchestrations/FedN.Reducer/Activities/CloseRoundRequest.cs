using FedN.Contracts.Federation;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the close-round activity: the round ends without a model.</summary>
public sealed record CloseRoundRequest(string SessionId, int Round, int Attempt, string ModelId, RoundStatus Status, string Message, IReadOnlyList<ShardResult> Shards) : Telemetry.IRoundStep;
