// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the retention activity, after round <paramref name="Round"/> committed (or, <see cref="Abandoned"/>, after the session ended during it).</summary>
public sealed record RetentionRequest(string SessionId, int Round, int Attempts, int Shards, int KeepRounds)
{
    /// <summary>The session ended without committing round <see cref="RetentionRequest.Round"/>: its attempts' working data and queues go, and nothing else.</summary>
    public bool Abandoned { get; init; }
}
