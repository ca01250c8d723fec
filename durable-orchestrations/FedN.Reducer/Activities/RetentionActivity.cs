namespace FedN.Reducer.Activities;

/// <summary>
/// After round r commits, deletes the working data (updates, ledgers, partials) of round
/// r − keep, the intake queues of round r and the optimizer state that round r superseded, so
/// storage stays bounded however long the session runs. Models on the trail are never deleted.
/// </summary>
internal sealed class RetentionActivity(ReducerStores stores)
{
    /// <returns>Blobs deleted.</returns>
    public async Task<int> RunAsync(RetentionRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= request.Attempts; attempt++)
        {
            var layout = new RoundLayout(request.SessionId, request.Round, attempt);
            for (var shard = 0; shard < request.Shards; shard++)
            {
                await stores.Queues.DeleteQueueAsync(layout.IntakeQueue(shard), cancellationToken);
            }
        }

        var deleted = 0;
        var expired = request.Round - request.KeepRounds;
        if (expired >= 1)
        {
            await foreach (var blob in stores.Blobs.ListAsync(RoundLayout.RoundPrefixOf(request.SessionId, expired), cancellationToken))
            {
                deleted += await stores.Blobs.DeleteAsync(blob.Path, cancellationToken) ? 1 : 0;
            }
        }

        if (request.Round > 1)
        {
            deleted += await stores.Blobs.DeleteAsync(RoundLayout.OptimizerState(request.SessionId, request.Round - 1), cancellationToken) ? 1 : 0;
        }

        return deleted;
    }
}
