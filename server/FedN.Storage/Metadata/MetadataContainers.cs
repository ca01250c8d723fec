using System.Globalization;

namespace FedN.Storage.Metadata;

/// <summary>
/// The containers FedN stores records in, and what each is partitioned by. Partitions follow the
/// access patterns, so every hot read is a point read or a single-partition query.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Rounds"/>, <see cref="Validations"/>, <see cref="Events"/>: by session id.
/// Everything the reducer, the API and the dashboard ask of them is "this session's rounds (or
/// validations, or events) in order", which is then one partition, one ordered query. A session's
/// records are far below a logical partition's 20 GB.</item>
/// <item><see cref="Sessions"/>, <see cref="Models"/>, <see cref="Clients"/>, <see cref="Nodes"/>, <see cref="Packages"/>: by their own id.
/// They are read by id (the trail is walked one parent at a time; a client is looked up on every
/// event and heartbeat), and spreading clients over partitions keeps thousands of heartbeats from
/// landing on one partition's throughput. Listing them is an admin action: a cross-partition query.</item>
/// </list>
/// </remarks>
public static class MetadataContainers
{
    /// <summary>Sessions, partitioned by session id.</summary>
    public const string Sessions = "sessions";

    /// <summary>Rounds, partitioned by session id.</summary>
    public const string Rounds = "rounds";

    /// <summary>The model trail, partitioned by model id.</summary>
    public const string Models = "models";

    /// <summary>Clients, partitioned by client id.</summary>
    public const string Clients = "clients";

    /// <summary>Validation results, partitioned by session id.</summary>
    public const string Validations = "validations";

    /// <summary>Status events, partitioned by session id (<see cref="StatusEventRepository.FederationScope"/> for events of no session).</summary>
    public const string Events = "events";

    /// <summary>
    /// The local durable runner's state: each instance's status, journal and event inbox, all
    /// partitioned by instance id (one instance is replayed from one partition).
    /// </summary>
    public const string Orchestrations = "orchestrations";

    /// <summary>The server nodes of a deployment of several, partitioned by node id.</summary>
    public const string Nodes = "nodes";

    /// <summary>Compute packages, partitioned by package id.</summary>
    public const string Packages = "packages";

    /// <summary>Every container, for stores that create them up front.</summary>
    public static IReadOnlyList<string> All { get; } = [Sessions, Rounds, Models, Clients, Validations, Events, Orchestrations, Nodes, Packages];

    /// <summary>
    /// A record named as a user knows it ("session 'a'", "round 3 of session 'a'"), for messages that
    /// reach users: the container and the store's partition/id key are the store's business.
    /// </summary>
    public static string Describe(string container, MetadataKey key) => container switch
    {
        Sessions => $"session '{key.Id}'",
        Models => $"model '{key.Id}'",
        Clients => $"client '{key.Id}'",
        Nodes => $"server node '{key.Id}'",
        Packages => $"package '{key.Id}'",
        Rounds => $"round {(int.TryParse(key.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var round) ? round.ToString(CultureInfo.InvariantCulture) : key.Id)} of session '{key.Partition}'",
        Validations => $"validation '{key.Id}' of session '{key.Partition}'",
        Events => $"event '{key.Id}'",
        Orchestrations => $"orchestration record '{key}'",
        _ => $"{container} record '{key}'",
    };
}
