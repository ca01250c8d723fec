namespace FedN.Contracts.Federation;

/// <summary>A client known to the federation.</summary>
public sealed record ClientRecord
{
    /// <summary>The client's id (the subject of its token).</summary>
    public required string Id { get; init; }

    /// <summary>A name for people.</summary>
    public string? Name { get; init; }

    /// <summary>Whether it has a live connection.</summary>
    public bool Online { get; init; }

    /// <summary>When it was last heard from.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The server node its latest connection is on (deployments of several nodes; none on Azure Web PubSub or a single server).</summary>
    public string? Node { get; init; }

    /// <summary>When it first connected.</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>Bytes of models the client was sent, over every task it answered (see <see cref="RoundTraffic"/>).</summary>
    public long BytesDown { get; init; }

    /// <summary>Bytes of updates the client uploaded, over every update it reported.</summary>
    public long BytesUp { get; init; }

    /// <summary>What the client reports about itself (SDK version, platform, ...).</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
