using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Reducer.Telemetry;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Activities;

/// <summary>Records a round that ended without a model (failed or stopped), and why.</summary>
internal sealed class CloseRoundActivity(ReducerStores stores, ReducerOptions options)
{
    public async Task<bool> RunAsync(CloseRoundRequest request, CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        try
        {
            // A round that never got a plan (no clients, or stopped first) has no record yet.
            await stores.Metadata.Rounds.CreateAsync(new RoundRecord
            {
                SessionId = request.SessionId,
                Round = request.Round,
                Attempt = request.Attempt,
                InputModelId = request.ModelId,
                StartedAt = now,
            }, cancellationToken);
        }
        catch (MetadataAlreadyExistsException)
        {
        }

        var wasClosed = false;
        var closed = await stores.Metadata.Rounds.UpdateAsync(request.SessionId, request.Round, round => round.Attempt != request.Attempt || (wasClosed = round.Status == request.Status && round.EndedAt is not null) ? round : round with
        {
            Status = request.Status,
            Message = request.Message,
            Shards = RoundFigures.Of(request.Shards),
            UpdatesAggregated = request.Shards.Sum(shard => shard.Aggregated),
            UpdatesRejected = request.Shards.Sum(shard => shard.Rejected),
            UpdatesReceived = RoundFigures.Received(round, request.Shards),
            Traffic = RoundFigures.Traffic(round, request.Shards),
            EndedAt = round.EndedAt ?? now,
        }, cancellationToken);
        if (closed.Value.Attempt == request.Attempt)
        {
            await RoundFigures.AddToSessionAsync(stores.Metadata, closed.Value, cancellationToken);
            if (!wasClosed)
            {
                RoundEnd.Record(closed.Value, request, now);
            }
        }

        await stores.Metadata.Events.AppendAsync(new StatusEvent
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"close-{request.Round}-{request.Attempt}"),
            SessionId = request.SessionId,
            Time = now,
            Round = request.Round,
            Level = request.Status == RoundStatus.Failed ? StatusLevel.Error : StatusLevel.Info,
            Kind = request.Status == RoundStatus.Failed ? "round.failed" : "round.stopped",
            Message = string.Create(CultureInfo.InvariantCulture, $"round {request.Round} (attempt {request.Attempt}): {request.Message}"),
        }, cancellationToken);
        return true;
    }
}
