namespace FedN.Contracts.Messaging;

/// <summary>What a server message carries.</summary>
public enum ServerMessageKind
{
    /// <summary>A task for the client (<see cref="ServerMessage.Task"/>).</summary>
    Task,

    /// <summary>The outcome of one of the client's reports (<see cref="ServerMessage.Receipt"/>).</summary>
    Receipt,
}

/// <summary>
/// The data of every message the server sends a client (a Web PubSub message <c>from: server</c>,
/// <c>dataType: json</c>). One envelope with a kind, so clients can ignore kinds they do not know.
/// </summary>
public sealed record ServerMessage
{
    /// <summary>Which of the other properties is set.</summary>
    public required ServerMessageKind Kind { get; init; }

    /// <summary>For <see cref="ServerMessageKind.Task"/>.</summary>
    public ClientTask? Task { get; init; }

    /// <summary>For <see cref="ServerMessageKind.Receipt"/>.</summary>
    public ReportReceipt? Receipt { get; init; }

    /// <summary>A task message.</summary>
    public static ServerMessage ForTask(ClientTask task) => new() { Kind = ServerMessageKind.Task, Task = task ?? throw new ArgumentNullException(nameof(task)) };

    /// <summary>A receipt message.</summary>
    public static ServerMessage ForReceipt(ReportReceipt receipt) => new() { Kind = ServerMessageKind.Receipt, Receipt = receipt ?? throw new ArgumentNullException(nameof(receipt)) };
}

/// <summary>
/// Whether the server took a report. The channel's ack only says the event arrived; the receipt says
/// what became of it, and why not when it was refused.
/// </summary>
/// <param name="Event">The event reported on (<see cref="ClientEvents"/>).</param>
/// <param name="TaskId">The report's task id, when it gave one.</param>
/// <param name="Accepted">Whether the report was recorded.</param>
/// <param name="Reason">Why it was refused.</param>
public sealed record ReportReceipt(string Event, string? TaskId, bool Accepted, string? Reason = null);
