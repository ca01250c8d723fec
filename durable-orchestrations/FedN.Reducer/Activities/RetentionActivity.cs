namespace FedN.Reducer.Activities;

/// <summary>
/// After round r commits, deletes the working data (updates, ledgers, partials) of round
/// r − keep, the intake queues of round r and the optimizer state that round r superseded, so
/// storage stays bounded however long the session runs. When a session ends during a round (failed
/// or stopped), that round's attempts are abandoned and their working data and queues deleted too.
/// Models on the trail are never deleted.
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
        if (request.Abandoned)
        {
            return await DeleteRoundAsync(request.SessionId, request.Round, cancellationToken);
        }

        var expired = request.Round - request.KeepRounds;
        if (expired >= 1)
        {
            deleted += await DeleteRoundAsync(request.SessionId, expired, cancellationToken);
        }

        if (request.Round > 1)
        {
            deleted += await stores.Blobs.DeleteAsync(RoundLayout.OptimizerState(request.SessionId, request.Round - 1), cancellationToken) ? 1 : 0;
        }

        return deleted;
    }

    private Task<int> DeleteRoundAsync(string sessionId, int round, CancellationToken cancellationToken) =>
        stores.Blobs.DeletePrefixAsync(RoundLayout.RoundPrefixOf(sessionId, round), cancellationToken);
}
