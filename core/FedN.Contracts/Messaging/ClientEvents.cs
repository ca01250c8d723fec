namespace FedN.Contracts.Messaging;

/// <summary>
/// The events a client sends on the channel (Web PubSub <c>event</c> requests). docs/protocol.md shows
/// each one's data.
/// </summary>
public static class ClientEvents
{
    /// <summary>The update of a training task is uploaded; data is an <see cref="UpdateReport"/>.</summary>
    public const string Update = "update";

    /// <summary>A validation task is done; data is a <see cref="ValidationReport"/>.</summary>
    public const string Validation = "validation";

    /// <summary>The client is alive; data is a <see cref="Heartbeat"/>.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>A task could not be done (the trainer failed, the model could not be fetched); data is a <see cref="FailureReport"/>.</summary>
    public const string Failed = "failed";

    /// <summary>Every event a client sends: what the Web PubSub hub forwards to the Functions app.</summary>
    public static IReadOnlyList<string> All { get; } = [Update, Validation, Heartbeat, Failed];
}

/// <summary>The data of a <c>heartbeat</c> event.</summary>
public sealed record Heartbeat
{
    /// <summary>The task the client is working on, if any (shown to operators).</summary>
    public string? TaskId { get; init; }
}
