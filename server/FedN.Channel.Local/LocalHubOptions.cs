using FedN.Contracts.Messaging;

namespace FedN.Channel.Local;

/// <summary>Limits and names of the local hub.</summary>
public sealed record LocalHubOptions
{
    /// <summary>The hub's name (the path is <c>/client/hubs/{name}</c>).</summary>
    public string Hub { get; init; } = WebPubSubProtocol.DefaultHub;

    /// <summary>
    /// The address clients reach the server at. Connection tokens are bound to it, so they are
    /// checked against it rather than against the request's Host header (a proxy's, or the caller's
    /// to choose). When absent the request's address is used, as on a developer's machine.
    /// </summary>
    public Uri? PublicUri { get; init; }

    /// <summary>Largest frame a client may send; a bigger one closes the connection (Azure Web PubSub allows 1 MB).</summary>
    public int MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Connections one client may hold open at once; another is refused with 429 until one closes.</summary>
    public int MaxConnectionsPerClient { get; init; } = 4;

    /// <summary>Requests per second a client may sustain, over all its connections; above it requests are refused with <c>TooManyRequests</c>.</summary>
    public double RequestsPerSecond { get; init; } = 50;

    /// <summary>Requests a client may send at once before the rate applies.</summary>
    public int RequestBurst { get; init; } = 100;

    /// <summary>How many ackIds a connection remembers for <c>Duplicate</c> answers (the newest ones).</summary>
    public int RememberedAckIds { get; init; } = 10_000;

    /// <summary>A send to one connection that takes longer than this closes that connection, so one stuck client cannot hold up a round's dispatch.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Hub) || !Hub.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"hub name '{Hub}' must be letters, digits or '_'", nameof(Hub));
        }

        if (MaxMessageBytes < 1024 || RequestsPerSecond <= 0 || RequestBurst < 1 || MaxConnectionsPerClient < 1 || RememberedAckIds < 1 || SendTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("hub limits must be positive (MaxMessageBytes at least 1024)");
        }
    }
}
