namespace FedN.Contracts.Federation;

/// <summary>
/// One server node of a deployment of several (<c>fedn server</c> processes sharing a task hub and
/// stores): what the API and dashboard show, and where the other nodes forward messages for the
/// clients connected to it.
/// </summary>
public sealed record NodeRecord
{
    /// <summary>The node's id (its task hub worker id).</summary>
    public required string Id { get; init; }

    /// <summary>Where clients and admins reach it.</summary>
    public required Uri Address { get; init; }

    /// <summary>When the process started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it last said it was alive (every few seconds while it runs).</summary>
    public DateTimeOffset LastSeen { get; init; }
}
