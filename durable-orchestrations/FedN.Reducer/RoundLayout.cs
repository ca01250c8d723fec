using System.Globalization;
using FedN.Contracts.Messaging;
using FedN.Storage;

namespace FedN.Reducer;

/// <summary>
/// Where one attempt at a round keeps its work: deterministic names, so every step (and every retry
/// of a step) finds what the previous ones wrote. Everything under <see cref="RoundPrefix"/> is
/// working data that retention deletes; models live outside it.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="Round">The round, from 1.</param>
/// <param name="Attempt">The attempt at the round, from 1.</param>
public sealed record RoundLayout(string SessionId, int Round, int Attempt)
{
    /// <summary>Every attempt of the round.</summary>
    public string RoundPrefix => RoundPrefixOf(SessionId, Round);

    /// <summary>The plan: clients per shard (JSON).</summary>
    public string Plan => Path("plan.json");

    /// <summary>The dispatch request of <paramref name="kind"/> tasks, kept so reconnecting clients get theirs again.</summary>
    public string Dispatch(ClientTaskKind kind) => Path($"dispatch-{kind.ToString().ToLowerInvariant()}.json");

    /// <summary>The record that client <paramref name="clientId"/>'s update report was taken, so a repeat is not queued again.</summary>
    public string Report(string clientId) => Path($"reports/{clientId}.json");

    /// <summary>The update client <paramref name="clientId"/> uploads (safetensors).</summary>
    public string Update(string clientId) => Path($"updates/{clientId}.safetensors");

    /// <summary>Client <paramref name="clientId"/>'s update clipped onto the session's norm bound by the combiner of shard <paramref name="shard"/> (outside the clients' own upload folder).</summary>
    public string ClippedUpdate(int shard, string clientId) => Path(Invariant($"shards/{shard}/clipped/{clientId}.safetensors"));

    /// <summary>Where shard <paramref name="shard"/>'s combiner records each batch it decided on, in order.</summary>
    public string LedgerPrefix(int shard) => BlobPath.ValidatePrefix(Invariant($"{RoundPrefix}attempt-{Attempt}/shards/{shard}/ledger/"));

    /// <summary>Batch <paramref name="batch"/> of the ledger of shard <paramref name="shard"/>.</summary>
    public string LedgerBatch(int shard, int batch) => Path(Invariant($"shards/{shard}/ledger/{batch:D6}.json"));

    /// <summary>The partial aggregate of shard <paramref name="shard"/> (safetensors).</summary>
    public string Partial(int shard) => Path(Invariant($"shards/{shard}/partial.safetensors"));

    /// <summary>What the combiner of shard <paramref name="shard"/> returned (JSON), written last.</summary>
    public string ShardResult(int shard) => Path(Invariant($"shards/{shard}/result.json"));

    /// <summary>The intake queue of shard <paramref name="shard"/>.</summary>
    public string IntakeQueue(int shard) => QueueName.ForShard(SessionId, Round, shard, Attempt);

    /// <summary>Every working file of session <paramref name="sessionId"/> (rounds, optimizer state); its committed models live under <c>models/</c>.</summary>
    public static string SessionPrefixOf(string sessionId) => BlobPath.ValidatePrefix($"sessions/{sessionId}/");

    /// <summary>Every attempt of round <paramref name="round"/> of session <paramref name="sessionId"/>.</summary>
    public static string RoundPrefixOf(string sessionId, int round) => BlobPath.ValidatePrefix(Invariant($"sessions/{sessionId}/rounds/{round:D6}/"));

    /// <summary>The blob of model <paramref name="modelId"/>.</summary>
    public static string Model(string modelId) => BlobPath.Validate($"models/{modelId}.safetensors");

    /// <summary>The archive of compute package <paramref name="packageId"/>.</summary>
    public static string Package(string packageId) => BlobPath.Validate($"packages/{packageId}.tar.gz");

    /// <summary>The server optimizer's state after round <paramref name="round"/>.</summary>
    public static string OptimizerState(string sessionId, int round) => BlobPath.Validate(Invariant($"sessions/{sessionId}/optimizer/{round:D6}.safetensors"));

    /// <summary>Whether <paramref name="modelId"/> has the form of the ids sessions give the models they commit (<c>&lt;session&gt;-round-N</c>): reserved, so no upload takes one first.</summary>
    public static bool IsCommittedModelId(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var marker = modelId.LastIndexOf("-round-", StringComparison.Ordinal);
        return marker > 0 && modelId.Length > marker + 7 && !modelId.AsSpan(marker + 7).ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>The id of the model round <paramref name="round"/> of session <paramref name="sessionId"/> commits.</summary>
    public static string ModelId(string sessionId, int round) => Invariant($"{sessionId}-round-{round}");

    private string Path(string relative) => BlobPath.Validate(Invariant($"{RoundPrefix}attempt-{Attempt}/{relative}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
