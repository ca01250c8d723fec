using Microsoft.Extensions.Logging;

namespace FedN.Client;

/// <summary>How a <see cref="FedNClient"/> connects and behaves.</summary>
public sealed record FedNClientOptions
{
    /// <summary>The FedN server (its API), for example <c>http://127.0.0.1:7071</c>.</summary>
    public required Uri ServerUri { get; init; }

    /// <summary>
    /// Other servers of the same deployment (nodes that share its stores and task hub). When the
    /// current server cannot be reached, the client tries the next, in turn, and gets its open tasks
    /// again from whichever it reaches.
    /// </summary>
    public IReadOnlyList<Uri> OtherServerUris { get; init; } = [];

    /// <summary>This client's token (<c>./fedn token create --role client --client-id ID</c>).</summary>
    public required string Token { get; init; }

    /// <summary>Where models are downloaded and trained (in a folder per running client and task); the temp directory's <c>fedn-client</c> when null. Task files are deleted when the task ends.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>How often the client says it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before reconnecting; it doubles on each failure, with jitter, up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait before reconnecting.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the WebSocket to open.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for an ack before sending the request again (same ackId).</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the receipt of a report after its ack.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>HTTP client for the API and model transfer (not disposed); one is made when null.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>The clock for task deadlines, backoff, heartbeats and receipt waits; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where the client logs (structured); nothing when null. Tokens and URLs with tokens are never logged.</summary>
    public ILogger? Logger { get; init; }
}
