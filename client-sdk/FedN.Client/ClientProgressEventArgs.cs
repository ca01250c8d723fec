namespace FedN.Client;

/// <summary>What a client is doing.</summary>
public enum ClientStage
{
    /// <summary>Connected to the hub.</summary>
    Connected,

    /// <summary>Lost the connection; it reconnects.</summary>
    Disconnected,

    /// <summary>A task arrived.</summary>
    TaskReceived,

    /// <summary>Downloading the model (<see cref="ClientProgressEventArgs.Bytes"/>).</summary>
    Downloading,

    /// <summary>The trainer is training.</summary>
    Training,

    /// <summary>The trainer is validating.</summary>
    Validating,

    /// <summary>Uploading the update (<see cref="ClientProgressEventArgs.Bytes"/>).</summary>
    Uploading,

    /// <summary>The report was sent; <see cref="ClientProgressEventArgs.Message"/> says whether the server took it.</summary>
    Reported,

    /// <summary>The task was not done (its deadline passed, or it was a repeat).</summary>
    TaskSkipped,

    /// <summary>The task failed (<see cref="ClientProgressEventArgs.Message"/>).</summary>
    TaskFailed,
}

/// <summary>A progress event of a <see cref="FedNClient"/>.</summary>
public sealed class ClientProgressEventArgs(ClientStage stage, string? taskId = null, int? round = null, long? bytes = null, long? totalBytes = null, string? message = null) : EventArgs
{
    /// <summary>The stage.</summary>
    public ClientStage Stage { get; } = stage;

    /// <summary>The task, when the event is about one.</summary>
    public string? TaskId { get; } = taskId;

    /// <summary>The task's round.</summary>
    public int? Round { get; } = round;

    /// <summary>Bytes transferred so far.</summary>
    public long? Bytes { get; } = bytes;

    /// <summary>Bytes to transfer in all, when known.</summary>
    public long? TotalBytes { get; } = totalBytes;

    /// <summary>Details: an error, a refusal reason.</summary>
    public string? Message { get; } = message;
}
