using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Core;
using FedN.Core.Aggregation;
using FedN.Core.Safetensors;
using FedN.Reducer.Intake;
using FedN.Reducer.Telemetry;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Activities;

/// <summary>
/// A combiner: drains its shard's intake while updates arrive, aggregating each batch of waiting
/// updates together (the core's batched path) in memory the size of one model, and writes a partial.
/// It closes at the expected count, at its share of the quorum plus the grace period, or at the
/// deadline. Reports of another round, from clients not assigned to the shard, duplicates and updates
/// that fail validation are refused, each with its reason recorded. Each batch's decisions go to a
/// ledger before the batch leaves the queue, so a retry replays them and gives the same partial.
/// Every update weighs at most the session's example cap, and with a norm bound one further from
/// the global model than the bound is clipped onto it (a copy is aggregated) or refused.
/// </summary>
internal sealed class CombineActivity(ReducerStores stores, ReducerOptions options)
{
    private TimeProvider Time => options.TimeProvider;

    public async Task<ShardResult> RunAsync(CombineRequest request, CancellationToken cancellationToken)
    {
        var layout = new RoundLayout(request.SessionId, request.Round, request.Attempt);
        var shard = request.Shard.Shard;
        if (await BlobJson.ReadAsync<ShardResult>(stores.Blobs, layout.ShardResult(shard), cancellationToken) is { } done)
        {
            return done;
        }

        Activity.Current?.SetTag(ReducerTelemetry.Attributes.Shard, shard);
        var started = Time.GetUtcNow();
        var plan = await BlobJson.ReadAsync<RoundPlan>(stores.Blobs, layout.Plan, cancellationToken)
            ?? throw new InvalidOperationException($"round {request.Round} (attempt {request.Attempt}) of session '{request.SessionId}' has no plan");
        var aggregator = Aggregators.Create(request.Aggregator, request.Hyperparameters);
        using var partial = aggregator.CreatePartial(await stores.Blobs.ReadHeaderAsync(request.ModelPath, cancellationToken));
        var shardState = new ShardState(plan.Shards[shard], request.Shard.Quorum);

        // Distances are taken against a local copy: the global model is read once per update, in
        // each update's own tensor order. An aggregator that clips (differential privacy) clips
        // whatever the session's bound, and at the tighter of the two when both are set.
        var bound = NormBound.For(request, aggregator);
        await using var global = bound is null ? null : await stores.Blobs.CopyToTemporaryFileAsync(request.ModelPath, cancellationToken);

        var batchNumber = 0;
        await foreach (var blob in stores.Blobs.ListAsync(layout.LedgerPrefix(shard), cancellationToken))
        {
            var recorded = await BlobJson.ReadAsync<CombineLedgerBatch>(stores.Blobs, layout.LedgerBatch(shard, batchNumber), cancellationToken)
                ?? throw new InvalidDataException($"the ledger of shard {shard} has '{blob.Path}' but no batch {batchNumber}");
            await partial.AddUpdatesAsync([.. recorded.Accepted.Select(update => Weighted(layout, shard, update))], cancellationToken);
            shardState.Apply(recorded, Time.GetUtcNow());
            batchNumber++;
        }

        var queue = layout.IntakeQueue(shard);
        string? closedBy;
        while ((closedBy = shardState.ClosedBy(request, Time.GetUtcNow())) is null)
        {
            // Taken before the receive, so a report queued in between still wakes this combiner.
            var arrival = stores.Queues.NextArrival(queue);
            var messages = await stores.Queues.ReceiveAsync(queue, QueueLimits.MaxReceiveBatch, options.IntakeVisibilityTimeout, cancellationToken);
            if (messages.Count == 0)
            {
                await WaitForArrivalAsync(arrival, shardState.IdleWait(request, Time.GetUtcNow(), options.IntakePollInterval), cancellationToken);
                continue;
            }

            var batch = await DecideAsync(layout, request, shardState, partial, global is null ? null : (global, bound!), messages, cancellationToken);
            try
            {
                await BlobJson.WriteAsync(stores.Blobs, layout.LedgerBatch(shard, batchNumber++), batch, BlobWriteMode.CreateOnly, cancellationToken);
            }
            catch (BlobAlreadyExistsException e)
            {
                throw new InvalidOperationException($"another attempt of the combiner of shard {shard} is recording batches; this one stops", e);
            }

            shardState.Apply(batch, Time.GetUtcNow());
            Observe(request, batch);
            await RecordRejectionsAsync(request, batch.Rejected, cancellationToken);
            // Together: the embedded store commits them as one group, Azure takes them in parallel.
            await Task.WhenAll(messages.Select(message => stores.Queues.DeleteMessageAsync(queue, message, cancellationToken)));
        }

        await stores.Blobs.WriteAsync(layout.Partial(shard), BlobWriteMode.Overwrite, partial.WriteAsync, cancellationToken);
        var result = new ShardResult
        {
            Shard = shard,
            Expected = request.Shard.Expected,
            Aggregated = partial.Count,
            Rejected = shardState.Rejected,
            TotalWeight = partial.TotalWeight,
            MetricSums = shardState.MetricSums,
            PartialPath = layout.Partial(shard),
            ClosedBy = closedBy,
            Seconds = (Time.GetUtcNow() - started).TotalSeconds,
            Arrivals = ArrivalCurve.Thin(shardState.Arrivals),
            Undelivered = shardState.Undelivered(),
            Refused = shardState.RefusedClients,
            Received = shardState.Received.Count,
            BytesUp = shardState.BytesUp,
        };
        await BlobJson.WriteAsync(stores.Blobs, layout.ShardResult(shard), result, BlobWriteMode.Overwrite, cancellationToken);
        return result;
    }

    /// <summary>
    /// Waits for a report queued on this node (then for the gather window, so reports come in
    /// batches) or for the poll interval (reports queued by other nodes, and the deadline and
    /// quorum checks), whichever comes first.
    /// </summary>
    private async Task WaitForArrivalAsync(Task arrival, TimeSpan poll, CancellationToken cancellationToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(poll, Time, stopWaiting.Token);
        if (await Task.WhenAny(arrival, timeout) == arrival && options.IntakeGatherWindow > TimeSpan.Zero)
        {
            await Task.Delay(Min(options.IntakeGatherWindow, poll), Time, cancellationToken);
        }

        await stopWaiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Checks the batch's reports and aggregates the acceptable ones together.</summary>
    private async Task<CombineLedgerBatch> DecideAsync(RoundLayout layout, CombineRequest request, ShardState shardState, IPartialAggregator partial, (FileStream Model, NormBound Bound)? global, IReadOnlyList<Storage.QueueMessage> messages, CancellationToken cancellationToken)
    {
        List<AcceptedUpdate> candidates = [];
        List<RejectedReport> rejected = [];
        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (shardState.Processed.Contains(message.Id))
            {
                continue; // recorded by an earlier attempt that died before deleting it
            }

            var report = Parse(message.Body);
            var forThisRound = report is not null && report.Round == request.Round && report.Attempt == request.Attempt;
            var problem = report switch
            {
                null => "not a valid intake message",
                _ when !forThisRound =>
                    $"the update is for round {report.Round} (attempt {report.Attempt}), but this is round {request.Round} (attempt {request.Attempt})",
                _ when !shardState.Assigned.Contains(report.ClientId) =>
                    $"client '{report.ClientId}' is not assigned to shard {request.Shard.Shard} of this round",
                _ when shardState.Settled.Contains(report.ClientId) || !inBatch.Add(report.ClientId) =>
                    $"duplicate: client '{report.ClientId}' already reported an update for this round",
                { Failure: { } failure } => $"the client could not train: {failure}",
                _ => null,
            };
            problem ??= options.ReportLimits.FindProblem(report!.NumExamples, report.Metrics);
            var candidate = problem is null ? new AcceptedUpdate(message.Id, report!.ClientId, report.NumExamples, report.Metrics, Math.Min(report.NumExamples, request.MaxExampleWeight), Bytes: report.Bytes) : null;
            if (candidate is { } measured && global is { } reference)
            {
                (candidate, problem) = await BoundNormAsync(layout, request.Shard.Shard, measured, reference.Model, reference.Bound, cancellationToken);
            }

            if (candidate is not null)
            {
                candidates.Add(candidate);
            }
            else
            {
                rejected.Add(new RejectedReport(message.Id, report?.ClientId, problem!, SettlesClient: forThisRound, NoUpdate: report?.Failure is not null, Bytes: report?.Bytes));
            }
        }

        var refused = (await partial.AddUpdatesAsync([.. candidates.Select(update => Weighted(layout, request.Shard.Shard, update))], cancellationToken))
            .ToDictionary(rejection => rejection.Id, rejection => rejection.Reason, StringComparer.Ordinal);
        rejected.AddRange(candidates.Where(update => refused.ContainsKey(update.ClientId))
            .Select(update => new RejectedReport(update.MessageId, update.ClientId, $"the update was refused: {refused[update.ClientId]}", Bytes: update.Bytes)));
        return new CombineLedgerBatch([.. candidates.Where(update => !refused.ContainsKey(update.ClientId))], rejected, Time.GetUtcNow());
    }

    private WeightedUpdate Weighted(RoundLayout layout, int shard, AcceptedUpdate update) =>
        new(stores.Blobs.Source(update.Clipped ? layout.ClippedUpdate(shard, update.ClientId) : layout.Update(update.ClientId), update.ClientId), update.WeightUsed);

    /// <summary>
    /// Holds <paramref name="update"/> to the session's norm bound: within it, the update as it is;
    /// beyond it, a clipped copy (written before the ledger names it, so a retry finds it) or a
    /// refusal. An update that cannot be measured is refused here with the reason.
    /// </summary>
    private async Task<(AcceptedUpdate? Update, string? Problem)> BoundNormAsync(RoundLayout layout, int shard, AcceptedUpdate update, FileStream global, NormBound normBound, CancellationToken cancellationToken)
    {
        var bound = normBound.Bound;
        try
        {
            global.Position = 0;
            using var globalModel = await SafetensorsReader.OpenAsync(global, leaveOpen: true, cancellationToken: cancellationToken);
            double distance;
            using (var measured = await stores.Blobs.Source(layout.Update(update.ClientId)).OpenAsync(cancellationToken))
            {
                distance = await UpdateNorm.DistanceAsync(globalModel, measured, cancellationToken);
            }

            if (!double.IsFinite(distance))
            {
                return (null, "the update's distance to the global model is not finite: it holds NaN or infinite values, or values too large to measure");
            }

            if (distance <= bound)
            {
                return (update, null);
            }

            if (normBound.Action == UpdateNormAction.Reject)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"the update is {distance:G4} from the global model, beyond the session's bound of {bound:G4}"));
            }

            using var clipped = await stores.Blobs.Source(layout.Update(update.ClientId)).OpenAsync(cancellationToken);
            await stores.Blobs.WriteAsync(layout.ClippedUpdate(shard, update.ClientId), BlobWriteMode.Overwrite,
                (destination, ct) => UpdateNorm.WriteScaledAsync(globalModel, clipped, bound / distance, destination, ct), cancellationToken);
            return (update with { Clipped = true }, null);
        }
        catch (Exception e) when (e is ArgumentException or SafetensorsFormatException or IOException or BlobNotFoundException)
        {
            // BlobModels' sources report a missing blob as a missing file (the engine knows files, not stores).
            return (null, e is BlobNotFoundException or FileNotFoundException { InnerException: BlobNotFoundException } ? "the update was never uploaded" : e.Message);
        }
    }

    /// <summary>Each decision of a new batch as an event of the combiner's span, and as metrics (a replayed ledger batch was observed when it was decided).</summary>
    private static void Observe(CombineRequest request, CombineLedgerBatch batch)
    {
        var session = new KeyValuePair<string, object?>(ReducerTelemetry.Attributes.Session, request.SessionId);
        var span = Activity.Current;
        foreach (var update in batch.Accepted)
        {
            ReducerTelemetry.AggregatedBytes.Add(update.Bytes ?? 0, session);
            span?.AddEvent(new ActivityEvent("update.aggregated", tags: new ActivityTagsCollection
            {
                [ReducerTelemetry.Attributes.Client] = update.ClientId,
                [ReducerTelemetry.Attributes.Bytes] = update.Bytes ?? 0,
            }));
        }

        foreach (var rejection in batch.Rejected)
        {
            ReducerTelemetry.UpdatesRefused.Add(1, session, new(ReducerTelemetry.Attributes.Stage, "combiner"));
            span?.AddEvent(new ActivityEvent("update.refused", tags: new ActivityTagsCollection
            {
                [ReducerTelemetry.Attributes.Client] = rejection.ClientId,
                [ReducerTelemetry.Attributes.Reason] = rejection.Reason,
            }));
        }
    }

    private static IntakeMessage? Parse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<IntakeMessage>(body, FedNJson.Options);
            return message is { ClientId.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task RecordRejectionsAsync(CombineRequest request, IReadOnlyList<RejectedReport> rejections, CancellationToken cancellationToken)
    {
        foreach (var rejection in rejections)
        {
            await stores.Metadata.Events.AppendAsync(new StatusEvent
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"reject-{request.Round}-{request.Attempt}-{request.Shard.Shard}-{rejection.MessageId}"),
                SessionId = request.SessionId,
                Time = Time.GetUtcNow(),
                Round = request.Round,
                ClientId = rejection.ClientId,
                Level = StatusLevel.Warning,
                Kind = "update.rejected",
                Message = rejection.Reason,
            }, cancellationToken);
        }
    }

    /// <summary>The bound updates are held to, and what one beyond it does.</summary>
    private sealed record NormBound(double Bound, UpdateNormAction Action)
    {
        public static NormBound? For(CombineRequest request, IAggregator aggregator) => (request.UpdateNormBound, aggregator.ClipNorm) switch
        {
            (null, null) => null,
            ({ } session, null) => new(session, request.UpdateNormAction),
            (null, { } clip) => new(clip, UpdateNormAction.Clip),
            ({ } session, { } clip) => session < clip ? new(session, request.UpdateNormAction) : new(clip, UpdateNormAction.Clip),
        };
    }

    /// <summary>What the combiner has decided so far.</summary>
    private sealed class ShardState(IReadOnlyList<string> assigned, int quorum)
    {
        public HashSet<string> Assigned { get; } = new(assigned, StringComparer.Ordinal);

        /// <summary>Assigned clients whose update was aggregated or refused: they will not send another.</summary>
        public HashSet<string> Settled { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Processed { get; } = new(StringComparer.Ordinal);

        /// <summary>Assigned clients whose update this combiner took, aggregated or refused.</summary>
        public HashSet<string> Received { get; } = new(StringComparer.Ordinal);

        /// <summary>Bytes of the updates of <see cref="Received"/>.</summary>
        public long BytesUp { get; private set; }

        public Dictionary<string, double> MetricSums { get; } = new(StringComparer.Ordinal);

        public int Accepted { get; private set; }

        /// <summary>The count aggregated after each batch that added to it, at the time the batch was decided.</summary>
        public List<ArrivalPoint> Arrivals { get; } = [];

        public int Rejected { get; private set; }

        public DateTimeOffset? QuorumReachedAt { get; private set; }

        /// <summary>Why each assigned client whose answer was refused has no update in the partial.</summary>
        private Dictionary<string, string> Refusals { get; } = new(StringComparer.Ordinal);

        private HashSet<string> Aggregated { get; } = new(StringComparer.Ordinal);

        /// <summary>Assigned clients whose answer was a refused update or a failure.</summary>
        public int RefusedClients => Refusals.Count;

        /// <summary>Assigned clients with no update in the partial, and why (at most <see cref="ShardResult.MaxUndelivered"/>).</summary>
        public IReadOnlyList<string> Undelivered() => [.. Assigned.Where(client => !Aggregated.Contains(client)).Order(StringComparer.Ordinal).Take(ShardResult.MaxUndelivered)
            .Select(client => Refusals.TryGetValue(client, out var reason) ? $"{client} ({Shorten(reason)})" : $"{client} ({ShardResult.NoAnswer})")];

        private static string Shorten(string reason) => reason.Length <= 160 ? reason : $"{reason[..160]}…";

        public void Apply(CombineLedgerBatch batch, DateTimeOffset now)
        {
            foreach (var update in batch.Accepted)
            {
                Processed.Add(update.MessageId);
                Settled.Add(update.ClientId);
                Receive(update.ClientId, update.Bytes);
                Aggregated.Add(update.ClientId);
                ExampleWeightedMetrics.AddTo(MetricSums, update.Metrics, update.WeightUsed);
            }

            foreach (var rejection in batch.Rejected)
            {
                Processed.Add(rejection.MessageId);
                if (rejection is { SettlesClient: true, ClientId: { } client } && Assigned.Contains(client))
                {
                    Settled.Add(client);
                    Refusals.TryAdd(client, rejection.Reason);
                    if (!rejection.NoUpdate)
                    {
                        Receive(client, rejection.Bytes);
                    }
                }
            }

            Accepted += batch.Accepted.Count;
            Rejected += batch.Rejected.Count;
            if (batch.Accepted.Count > 0)
            {
                Arrivals.Add(new ArrivalPoint(batch.DecidedAt ?? now, Accepted));
            }

            QuorumReachedAt ??= Accepted > 0 && Accepted >= quorum ? now : null;
        }

        private void Receive(string client, long? bytes)
        {
            if (Received.Add(client))
            {
                BytesUp += bytes ?? 0;
            }
        }

        public string? ClosedBy(CombineRequest request, DateTimeOffset now) =>
            Settled.Count >= request.Shard.Expected ? "expected"
            : now >= request.Deadline ? "deadline"
            : QuorumReachedAt is { } reached && now >= reached + request.QuorumGrace ? "quorum"
            : null;

        public TimeSpan IdleWait(CombineRequest request, DateTimeOffset now, TimeSpan poll)
        {
            var wait = Min(poll, request.Deadline - now);
            if (QuorumReachedAt is { } reached)
            {
                wait = Min(wait, reached + request.QuorumGrace - now);
            }

            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }
}
