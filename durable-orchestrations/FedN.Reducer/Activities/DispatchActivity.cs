using System.Globalization;
using FedN.Core.Federation;
using FedN.Core.Messaging;

namespace FedN.Reducer.Activities;

/// <summary>
/// Sends every planned client its task: the model's read URL and, for training, a create-only URL
/// for its own update, both expiring with the round. Resending on retry is harmless: task ids are
/// stable, so a client does the work once.
/// </summary>
internal sealed class DispatchActivity(ReducerStores stores, ReducerOptions options)
{
    public async Task<int> RunAsync(DispatchRequest request, CancellationToken cancellationToken)
    {
        var layout = new RoundLayout(request.SessionId, request.Round, request.Attempt);
        var plan = await BlobJson.ReadAsync<RoundPlan>(stores.Blobs, layout.Plan, cancellationToken)
            ?? throw new InvalidOperationException($"round {request.Round} (attempt {request.Attempt}) of session '{request.SessionId}' has no plan");
        var lifetime = request.Deadline - options.TimeProvider.GetUtcNow() + options.UrlSlack;
        var modelUrl = await stores.Blobs.CreateDownloadUrlAsync(request.ModelPath, lifetime, cancellationToken);
        var assignments = plan.Shards.SelectMany((clients, shard) => clients.Select(client => (Client: client, Shard: shard)));
        await Parallel.ForEachAsync(assignments, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (assignment, ct) =>
        {
            var uploadUrl = request.Kind == ClientTaskKind.Train
                ? await stores.Blobs.CreateUploadUrlAsync(layout.Update(assignment.Client), lifetime, ct)
                : null;
            await stores.Channel.SendTaskAsync(assignment.Client, new ClientTask
            {
                TaskId = string.Create(CultureInfo.InvariantCulture, $"{request.SessionId}/{request.Round}/{request.Attempt}/{request.Kind.ToString().ToLowerInvariant()}"),
                Kind = request.Kind,
                SessionId = request.SessionId,
                Round = request.Round,
                Attempt = request.Attempt,
                Shard = assignment.Shard,
                ModelId = request.ModelId,
                ModelUrl = modelUrl,
                UploadUrl = uploadUrl,
                Deadline = request.Deadline,
            }, ct);
        });

        if (request.Kind == ClientTaskKind.Validate)
        {
            await stores.Metadata.Rounds.UpdateAsync(request.SessionId, request.Round, round => round with { Status = RoundStatus.Validating }, cancellationToken);
        }

        return plan.Shards.Sum(shard => shard.Count);
    }
}
