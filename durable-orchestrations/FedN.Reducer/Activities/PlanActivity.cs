using System.Security.Cryptography;
using System.Text;
using FedN.Contracts.Federation;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Activities;

/// <summary>
/// Chooses a round's clients among those online (and allowed), splits them into shards, stores the
/// plan and opens the round record. The choice is seeded by the round, and the stored plan wins over
/// a new one, so a retried plan is the same plan.
/// </summary>
internal sealed class PlanActivity(ReducerStores stores)
{
    public async Task<PlanResult> RunAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var session = await stores.Metadata.Sessions.GetAsync(request.SessionId, cancellationToken)
            ?? throw new InvalidOperationException($"session '{request.SessionId}' does not exist");
        if (session.Value.Status is SessionStatus.Stopping or SessionStatus.Stopped)
        {
            return new PlanResult(PlanStatus.Stopped, 0, []);
        }

        var layout = new RoundLayout(request.SessionId, request.Round, request.Attempt);
        var plan = await BlobJson.ReadAsync<RoundPlan>(stores.Blobs, layout.Plan, cancellationToken);
        var eligible = plan?.Shards.Sum(shard => shard.Count) ?? 0;
        if (plan is null)
        {
            var candidates = await EligibleClientsAsync(request.Config, cancellationToken);
            eligible = candidates.Count;
            if (candidates.Count < request.Config.MinClients)
            {
                return new PlanResult(PlanStatus.Waiting, candidates.Count, []);
            }

            plan = Split(Choose(candidates, request), request.Config.Shards) with { NoiseSeed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))) };
            try
            {
                await BlobJson.WriteAsync(stores.Blobs, layout.Plan, plan, BlobWriteMode.CreateOnly, cancellationToken);
            }
            catch (BlobAlreadyExistsException)
            {
                plan = await BlobJson.ReadAsync<RoundPlan>(stores.Blobs, layout.Plan, cancellationToken);
            }
        }

        var assigned = plan!.Shards.Sum(shard => shard.Count);
        await OpenRoundAsync(request, plan, cancellationToken);
        await stores.Metadata.Events.AppendAsync(new StatusEvent
        {
            Id = $"plan-{request.Round}-{request.Attempt}",
            SessionId = request.SessionId,
            Time = RoundStart(request),
            Round = request.Round,
            Kind = "round.planned",
            Message = $"round {request.Round} (attempt {request.Attempt}): {assigned} clients in {plan.Shards.Count} shard(s), deadline {request.Deadline:u}",
        }, cancellationToken);
        return new PlanResult(PlanStatus.Planned, eligible, Quorums(plan, request.Config.MinClients));
    }

    private async Task<List<string>> EligibleClientsAsync(SessionConfig config, CancellationToken cancellationToken)
    {
        var allowed = config.Clients is null ? null : new HashSet<string>(config.Clients, StringComparer.Ordinal);
        var online = new List<string>();
        await foreach (var client in stores.Metadata.Clients.ListAllAsync(online: true, cancellationToken))
        {
            if (allowed?.Contains(client.Value.Id) ?? true)
            {
                online.Add(client.Value.Id);
            }
        }

        online.Sort(StringComparer.Ordinal);
        return online;
    }

    /// <summary>All eligible clients, or a random subset seeded by the session, round and attempt.</summary>
    private static List<string> Choose(List<string> candidates, PlanRequest request)
    {
        if (request.Config.ClientsPerRound is not { } wanted || wanted >= candidates.Count)
        {
            return candidates;
        }

        var seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.SessionId}/{request.Round}/{request.Attempt}")));
        var chosen = candidates.ToArray();
        new Random(seed).Shuffle(chosen);
        return [.. chosen.Take(wanted).Order(StringComparer.Ordinal)];
    }

    /// <summary>Round-robin over the sorted clients: shards differ in size by one at most; no empty shard.</summary>
    private static RoundPlan Split(List<string> clients, int shards)
    {
        var count = Math.Min(shards, clients.Count);
        var split = Enumerable.Range(0, count).Select(_ => new List<string>()).ToArray();
        for (var i = 0; i < clients.Count; i++)
        {
            split[i % count].Add(clients[i]);
        }

        return new RoundPlan(split);
    }

    /// <summary>Each shard's share of the quorum, rounded up so the shares add up to at least the quorum.</summary>
    internal static IReadOnlyList<ShardPlan> Quorums(RoundPlan plan, int minClients)
    {
        var total = plan.Shards.Sum(shard => shard.Count);
        return [.. plan.Shards.Select((clients, shard) =>
            new ShardPlan(shard, clients.Count, (int)Math.Min(clients.Count, Math.Ceiling((double)minClients * clients.Count / total))))];
    }

    private async Task OpenRoundAsync(PlanRequest request, RoundPlan plan, CancellationToken cancellationToken)
    {
        var round = new RoundRecord
        {
            SessionId = request.SessionId,
            Round = request.Round,
            Attempt = request.Attempt,
            Status = RoundStatus.Training,
            InputModelId = request.ModelId,
            AssignedClients = plan.Shards.Sum(shard => shard.Count),
            Shards = [.. plan.Shards.Select((clients, shard) => new ShardFigures(shard, clients.Count, 0, 0, 0, 0))],
            StartedAt = RoundStart(request),
            Deadline = request.Deadline,
        };
        try
        {
            await stores.Metadata.Rounds.CreateAsync(round, cancellationToken);
        }
        catch (MetadataAlreadyExistsException)
        {
            // A new attempt after a failed one takes the record over: it describes the latest attempt.
            // A plan of the same attempt run again leaves it as it is. That may be much later: a node
            // killed after the plan ran but before the engine heard of it leaves the plan's message
            // to be delivered again after the round has moved on, even committed, and its fresh
            // "training, nothing received" record must not replace what the round became.
            await stores.Metadata.Rounds.UpdateAsync(request.SessionId, request.Round,
                existing => existing.Attempt >= request.Attempt ? existing : round, cancellationToken);
        }
    }

    /// <summary>When the round started: the orchestrator fixed its deadline one round timeout later (a retried plan gets the same time).</summary>
    private static DateTimeOffset RoundStart(PlanRequest request) => request.Deadline - request.Config.RoundTimeout;
}
