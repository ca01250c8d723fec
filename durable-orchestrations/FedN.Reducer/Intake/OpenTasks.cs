using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Reducer.Activities;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Intake;

/// <summary>
/// The tasks a client should be working on now: what a (re)connecting client is sent, so a task
/// dispatched while it was away (a dropped network, a server restart) is not lost to the round.
/// A client that already has the task recognises its id and does the work once.
/// </summary>
public sealed class OpenTasks(IBlobStore blobs, FederationMetadata metadata, ReducerOptions? options = null)
{
    private readonly ReducerOptions _options = options ?? new ReducerOptions();

    /// <summary>Client <paramref name="clientId"/>'s open tasks in running sessions: planned for it, dispatched, and before their deadline.</summary>
    public async Task<IReadOnlyList<ClientTask>> ForClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        List<ClientTask> tasks = [];
        var running = await metadata.Sessions.ListAsync(new PageRequest(MetadataQuery.MaxPageSize), SessionStatus.Running, cancellationToken);
        foreach (var session in running.Items.Select(item => item.Value))
        {
            if (await OpenTaskAsync(session, clientId, cancellationToken) is { } task)
            {
                tasks.Add(task);
            }
        }

        return tasks;
    }

    private async Task<ClientTask?> OpenTaskAsync(SessionRecord session, string clientId, CancellationToken cancellationToken)
    {
        var number = session.CompletedRounds + 1;
        if (await metadata.Rounds.GetAsync(session.Id, number, cancellationToken) is not { Value: var round })
        {
            return null;
        }

        ClientTaskKind? kind = round.Status switch
        {
            RoundStatus.Training => ClientTaskKind.Train,
            RoundStatus.Validating => ClientTaskKind.Validate,
            _ => null,
        };
        var layout = new RoundLayout(session.Id, number, round.Attempt);
        if (kind is not { } k
            || await BlobJson.ReadAsync<DispatchRequest>(blobs, layout.Dispatch(k), cancellationToken) is not { } request
            || request.Deadline <= _options.TimeProvider.GetUtcNow()
            || await BlobJson.ReadAsync<RoundPlan>(blobs, layout.Plan, cancellationToken) is not { } plan)
        {
            return null;
        }

        var shard = plan.Shards.Select((clients, index) => clients.Contains(clientId, StringComparer.Ordinal) ? index : -1).FirstOrDefault(index => index >= 0, -1);
        if (shard < 0)
        {
            return null;
        }

        var modelUrl = await TaskUrls.ModelAsync(blobs, request, _options, cancellationToken);
        return await TaskUrls.TaskAsync(blobs, request, clientId, shard, modelUrl, _options, cancellationToken);
    }
}
