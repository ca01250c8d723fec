using FedN.Contracts.Messaging;

// Small JSON values orchestrators and activities pass to each other: ids, paths, counts and times,
// never tensors (Durable moves payloads over ~45 KB to blobs; these stay far below). They live beside
// the step that takes them, in the reducer's namespace, which hosts and tests name.
namespace FedN.Reducer;

/// <summary>Input of the dispatch activity: send <paramref name="Kind"/> tasks to the plan's clients.</summary>
public sealed record DispatchRequest(string SessionId, int Round, int Attempt, ClientTaskKind Kind, string ModelId, string ModelPath, DateTimeOffset Deadline) : Telemetry.IRoundStep
{
    /// <summary>The model file's SHA-256, sent with the tasks so clients check their download.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>The most bytes an update upload takes; the dispatch sets it from the model's size before the request is stored.</summary>
    public long? MaxUpdateBytes { get; init; }

    /// <summary>The model file's size, which every task sends down; the dispatch sets it before the request is stored.</summary>
    public long? ModelBytes { get; init; }

    /// <summary>The id of the compute package the session's clients run; the dispatch sets it from the session before the request is stored.</summary>
    public string? PackageId { get; init; }

    /// <summary>Where that package's archive is in the blob store.</summary>
    public string? PackagePath { get; init; }
}
