using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Reducer.Telemetry;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Activities;

/// <summary>
/// Commits a round's model: advances the session to it, adds it to the trail with its parent and
/// closes the round record. The session is advanced first, by a compare-and-swap that refuses a
/// session being stopped, so a stop never leaves a half-committed model; every write is idempotent,
/// so a retry after a crash finishes the job.
/// </summary>
internal sealed class CommitActivity(ReducerStores stores, ReducerOptions options)
{
    /// <returns>Whether the model was committed (<see langword="false"/>: the session is being stopped).</returns>
    public async Task<bool> RunAsync(CommitRequest request, CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        try
        {
            await stores.Metadata.Sessions.UpdateAsync(request.SessionId, session =>
                session.CurrentModelId == request.ModelId ? session
                : session.Status is SessionStatus.Stopping or SessionStatus.Stopped ? throw new SessionStoppingException()
                : session with { CurrentModelId = request.ModelId, CompletedRounds = request.Round }, cancellationToken);
        }
        catch (SessionStoppingException)
        {
            return false;
        }

        try
        {
            await stores.Metadata.Models.CreateAsync(new ModelRecord
            {
                Id = request.ModelId,
                ParentId = request.ParentModelId,
                SessionId = request.SessionId,
                Round = request.Round,
                BlobPath = request.Reduced.ModelPath,
                SizeBytes = request.Reduced.SizeBytes,
                Sha256 = request.Reduced.Sha256,
                Description = string.Create(CultureInfo.InvariantCulture, $"round {request.Round}: {request.Reduced.Count} updates, {request.Reduced.TotalWeight:G} examples"),
                CreatedAt = now,
            }, cancellationToken);
        }
        catch (MetadataAlreadyExistsException)
        {
        }

        var trainingSums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var shard in request.Shards)
        {
            ExampleWeightedMetrics.AddTo(trainingSums, shard.MetricSums, 1); // already weighted by their examples
        }
        var warning = RoundFigures.Warning(request.Shards, request.Reduced.Count);
        var wasCommitted = false;
        var closed = await stores.Metadata.Rounds.UpdateAsync(request.SessionId, request.Round, round => (wasCommitted = round.Status == RoundStatus.Committed) ? round : round with
        {
            Status = RoundStatus.Committed,
            Warning = warning,
            OutputModelId = request.ModelId,
            UpdatesAggregated = request.Reduced.Count,
            UpdatesRejected = request.Shards.Sum(shard => shard.Rejected),
            UpdatesReceived = RoundFigures.Received(round, request.Shards),
            Traffic = RoundFigures.Traffic(round, request.Shards),
            Shards = RoundFigures.Of(request.Shards),
            TrainingMetrics = ExampleWeightedMetrics.Means(trainingSums, request.Shards.Sum(shard => shard.TotalWeight)),
            ValidationMetrics = request.Validation?.Metrics,
            EndedAt = round.EndedAt ?? now,
        }, cancellationToken);
        await RoundFigures.AddToSessionAsync(stores.Metadata, closed.Value, cancellationToken);
        if (!wasCommitted)
        {
            RoundEnd.Record(closed.Value, request, now);
        }
        await stores.Metadata.Events.AppendAsync(new StatusEvent
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"commit-{request.Round}"),
            SessionId = request.SessionId,
            Time = now,
            Round = request.Round,
            Kind = "round.committed",
            Message = string.Create(CultureInfo.InvariantCulture, $"round {request.Round} committed model {request.ModelId}: {request.Reduced.Count} updates from {request.Shards.Count} shard(s)"),
        }, cancellationToken);
        if (warning is not null)
        {
            await stores.Metadata.Events.AppendAsync(new StatusEvent
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"commit-warning-{request.Round}"),
                SessionId = request.SessionId,
                Time = now,
                Round = request.Round,
                Level = StatusLevel.Warning,
                Kind = "round.mostly-refused",
                Message = $"round {request.Round}: {warning}",
            }, cancellationToken);
        }

        return true;
    }

    private sealed class SessionStoppingException : Exception;
}
