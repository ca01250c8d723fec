namespace FedN.Contracts.Messaging;

/// <summary>What the server asks a client to do.</summary>
public enum ClientTaskKind
{
    /// <summary>Train the global model on local data and upload the update.</summary>
    Train,

    /// <summary>Evaluate a model on local held-out data and report metrics.</summary>
    Validate,
}

/// <summary>
/// A task pushed to one client: which model to fetch, where to put the result and by when. URLs are
/// scoped to one blob and expire with the round, so the message is all a client needs.
/// </summary>
public sealed record ClientTask
{
    /// <summary>Unique per client and task; a client that sees the same id twice does the work once.</summary>
    public required string TaskId { get; init; }

    /// <summary>Train or validate.</summary>
    public required ClientTaskKind Kind { get; init; }

    /// <summary>The session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The round.</summary>
    public required int Round { get; init; }

    /// <summary>The attempt at the round; reports must name it.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The combiner shard the client's update goes to; reports must name it.</summary>
    public int Shard { get; init; }

    /// <summary>The model to train from or to validate.</summary>
    public required string ModelId { get; init; }

    /// <summary>A read-only URL of the model.</summary>
    public required Uri ModelUrl { get; init; }

    /// <summary>The model file's SHA-256 (lowercase hex): the SDK checks its download against it before training or validating.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>For training: a create-only URL for the update (safetensors).</summary>
    public Uri? UploadUrl { get; init; }

    /// <summary>
    /// The session's compute package: the SHA-256 of its manifest. A client that runs packages
    /// checks the archive it downloads against it before unpacking or running anything.
    /// <see langword="null"/> when the session names none (clients use their own trainer).
    /// </summary>
    public string? PackageId { get; init; }

    /// <summary>A read-only URL of the package's archive, expiring with the task.</summary>
    public Uri? PackageUrl { get; init; }

    /// <summary>After this, the report is refused and the URLs no longer work.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>
    /// The W3C trace context of the round attempt (<c>00-{trace}-{span}-01</c>): a client that exports
    /// traces starts its download, training and upload under it, so they join the round's trace.
    /// </summary>
    public string? TraceParent { get; init; }
}
