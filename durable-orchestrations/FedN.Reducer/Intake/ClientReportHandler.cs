using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Core;
using FedN.Reducer.Telemetry;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer.Intake;

/// <summary>
/// Takes clients' reports (the <c>update</c> and <c>validation</c> events of the channel) for an
/// authenticated client: checks them against the round, records them, and puts updates on their
/// shard's intake. One queue message per update and no orchestration event, so a round of 10,000
/// clients adds nothing to orchestration history. Only a client the round assigned, in the round's
/// phase, before its deadline and with figures inside <see cref="ReportLimits"/> is heard; every
/// refusal says why. The combiner checks again what only it can (duplicates, the update itself).
/// </summary>
public sealed class ClientReportHandler(IQueueStore queues, IBlobStore blobs, FederationMetadata metadata, ReducerOptions? options = null) : IClientReports
{
    private readonly ReducerOptions _options = options ?? new ReducerOptions();
    private readonly PlanCache _plans = new(blobs);
    private readonly OpenTasks _openTasks = new(blobs, metadata, options);
    private readonly CoalescedCounts<(string SessionId, int Round)> _received = new((round, count) =>
        metadata.Rounds.CountUpdatesAsync(round.SessionId, round.Round, received: count, onlyIn: RoundStatus.Training));

    private TimeProvider Time => _options.TimeProvider;

    private ReportLimits Limits => _options.ReportLimits;

    /// <summary>
    /// Accepts client <paramref name="clientId"/>'s report that its update is uploaded. Idempotent: a
    /// client that sends its report again (it lost the ack in a reconnect) is answered as the first
    /// time, and its update still goes to the combiner once.
    /// </summary>
    /// <exception cref="ClientReportRejectedException">The report is late, for another round or attempt, from a client the round did not assign, or out of bounds.</exception>
    public async Task SubmitUpdateAsync(string clientId, UpdateReport report, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(report);
        var task = new TrainingTaskKey(report.SessionId, report.Round, report.Attempt, report.Shard);
        using var span = RoundTrace.Start("fedn.update", task, ActivityKind.Server);
        span?.SetTag(ReducerTelemetry.Attributes.Client, clientId);
        try
        {
            Refuse(Limits.FindProblem(report.NumExamples, report.Metrics));
            var uploaded = await blobs.GetPropertiesAsync(new RoundLayout(report.SessionId, report.Round, report.Attempt).Update(clientId), cancellationToken);
            span?.SetTag(ReducerTelemetry.Attributes.Bytes, uploaded?.Length ?? 0);
            var message = new IntakeMessage(clientId, report.Round, report.Attempt, report.NumExamples, report.Metrics, Bytes: uploaded?.Length);
            if (await QueueForCombinerAsync(clientId, task, message, cancellationToken) is { } round)
            {
                await CountReceivedAsync(round, cancellationToken);
                await CountTrafficAsync(clientId, round.Traffic?.ModelBytes ?? 0, uploaded?.Length ?? 0, cancellationToken);
                ReducerTelemetry.UpdatesReceived.Add(1, new KeyValuePair<string, object?>(ReducerTelemetry.Attributes.Session, round.SessionId));
            }
        }
        catch (ClientReportRejectedException refused)
        {
            // No session attribute on the counter: a refused report's ids are the client's word, and
            // every distinct value would be a new series.
            span?.SetStatus(ActivityStatusCode.Error, refused.Message);
            ReducerTelemetry.UpdatesRefused.Add(1, new KeyValuePair<string, object?>(ReducerTelemetry.Attributes.Stage, "intake"));
            throw;
        }
    }

    /// <summary>
    /// Adds the report to the round's live count, only while the round is training: once queued, the
    /// update may already have been aggregated and the round committed with its final figures (a
    /// busy node can be that slow), and a count landing after that would make them wrong. Reports
    /// counted while the round's counter is being written are added to it together.
    /// </summary>
    private async Task CountReceivedAsync(RoundRecord round, CancellationToken cancellationToken)
    {
        try
        {
            await _received.AddAsync((round.SessionId, round.Round), 1, cancellationToken);
        }
        catch (MetadataConflictException)
        {
            // The round has moved on; the step that moved it counted what its combiners received.
        }
    }

    /// <summary>Adds a report's bytes to its client's totals: figures, so a client deleted meanwhile is not an error.</summary>
    private async Task CountTrafficAsync(string clientId, long down, long up, CancellationToken cancellationToken)
    {
        if (down == 0 && up == 0)
        {
            return;
        }

        try
        {
            await metadata.Clients.CountTrafficAsync(clientId, down, up, cancellationToken);
        }
        catch (MetadataNotFoundException)
        {
        }
    }

    /// <summary>
    /// Records client <paramref name="clientId"/>'s report that it could not do its task: a training
    /// failure goes to its combiner, which stops waiting for it and records why; a validation failure
    /// is recorded for the round, which stops waiting for it too. The checks are those of a report of
    /// the same task, and the task then counts as answered (a later update for it is not taken).
    /// </summary>
    /// <exception cref="ClientReportRejectedException">As for the report the task would have sent.</exception>
    public async Task SubmitFailureAsync(string clientId, FailureReport report, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Kind == ClientTaskKind.Train)
        {
            var task = new TrainingTaskKey(report.SessionId, report.Round, report.Attempt, report.Shard);
            await QueueForCombinerAsync(clientId, task, new IntakeMessage(clientId, report.Round, report.Attempt, 0, null, report.BoundedReason), cancellationToken);
            return;
        }

        var asked = await ValidatingRoundAsync(clientId, report.SessionId, report.Round, cancellationToken);
        await RecordValidationAsync(new ValidationRecord
        {
            SessionId = report.SessionId,
            Round = report.Round,
            ClientId = clientId,
            ModelId = asked.ModelId,
            Metrics = new Dictionary<string, double>(),
            Failure = report.BoundedReason,
            ReceivedAt = Time.GetUtcNow(),
        }, cancellationToken);
    }

    /// <summary>
    /// Checks a report on training task <paramref name="task"/> and puts <paramref name="message"/> on
    /// its shard's intake; returns the round, or <see langword="null"/> for a repeat (answered as the
    /// first time, not queued again).
    /// </summary>
    private async Task<RoundRecord?> QueueForCombinerAsync(string clientId, TrainingTaskKey task, IntakeMessage message, CancellationToken cancellationToken)
    {
        var round = await CurrentRoundAsync(task.SessionId, task.Round, cancellationToken);

        // A repeat is answered before the round's state is checked: the first report may be what
        // closed the round. The receipt is a marker written after the message is queued: a crash in
        // between, or one of the machine that loses the unsynced marker, can let one repeat through,
        // and the combiner drops that as a duplicate.
        var layout = new RoundLayout(task.SessionId, task.Round, task.Attempt);
        var receipt = layout.Report(clientId);
        if (await blobs.GetPropertiesAsync(receipt, cancellationToken) is not null)
        {
            return null;
        }

        if (round.Attempt != task.Attempt || round.Status != RoundStatus.Training)
        {
            throw new ClientReportRejectedException($"round {task.Round} (attempt {task.Attempt}) of session '{task.SessionId}' is not taking updates (it is at attempt {round.Attempt}, {round.Status.ToString().ToLowerInvariant()})");
        }

        if (Time.GetUtcNow() > round.Deadline)
        {
            throw new ClientReportRejectedException($"the update arrived after the round's deadline ({round.Deadline:u})");
        }

        var assigned = await _plans.ShardOfAsync(layout, clientId, cancellationToken);
        if (assigned is null)
        {
            throw new ClientReportRejectedException($"client '{clientId}' was not asked to train in round {task.Round} (attempt {task.Attempt}) of session '{task.SessionId}'");
        }

        if (task.Shard != assigned)
        {
            throw new ClientReportRejectedException($"the update names shard {task.Shard}, but client '{clientId}' was assigned to shard {assigned}");
        }

        var queued = JsonSerializer.Serialize(message, FedNJson.Options);
        await queues.EnqueueAsync(layout.IntakeQueue(task.Shard), queued, cancellationToken);

        // Taken already: the same report, sent twice at once; the combiner drops the second message.
        return await blobs.TryCreateMarkerAsync(receipt, Encoding.UTF8.GetBytes(queued), cancellationToken) ? round : null;
    }

    /// <summary>Records client <paramref name="clientId"/>'s validation of a round's model.</summary>
    /// <exception cref="ClientReportRejectedException">
    /// The report is for no such round, for a round that is not validating, for another model, late,
    /// from a client the round did not ask, out of bounds, or a duplicate.
    /// </exception>
    public async Task SubmitValidationAsync(string clientId, ValidationReport report, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(report);
        Refuse(Limits.FindProblem(report.NumExamples, report.Metrics));
        var asked = await ValidatingRoundAsync(clientId, report.SessionId, report.Round, cancellationToken);
        if (!string.Equals(report.ModelId, asked.ModelId, StringComparison.Ordinal))
        {
            throw new ClientReportRejectedException($"round {report.Round} asked to validate model '{asked.ModelId}', not '{report.ModelId}'");
        }

        await RecordValidationAsync(new ValidationRecord
        {
            SessionId = report.SessionId,
            Round = report.Round,
            ClientId = clientId,
            ModelId = report.ModelId,
            NumExamples = report.NumExamples,
            Metrics = report.Metrics,
            ReceivedAt = Time.GetUtcNow(),
        }, cancellationToken);
        await CountTrafficAsync(clientId, asked.ModelBytes ?? 0, 0, cancellationToken);
    }

    /// <summary>Stores a client's answer to a validation task, its figures or its failure: one per client and round.</summary>
    private async Task RecordValidationAsync(ValidationRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await metadata.Validations.CreateAsync(record, cancellationToken);
        }
        catch (MetadataAlreadyExistsException)
        {
            throw new ClientReportRejectedException($"client '{record.ClientId}' already reported a validation for round {record.Round}");
        }
    }

    /// <summary>What a validating round asked of client <paramref name="clientId"/>: refused when it is not validating, past the deadline, or did not ask this client.</summary>
    private async Task<DispatchRequest> ValidatingRoundAsync(string clientId, string sessionId, int number, CancellationToken cancellationToken)
    {
        var round = await CurrentRoundAsync(sessionId, number, cancellationToken);
        if (round.Status != RoundStatus.Validating)
        {
            throw new ClientReportRejectedException($"round {number} of session '{sessionId}' is not taking validations (it is {round.Status.ToString().ToLowerInvariant()})");
        }

        var layout = new RoundLayout(sessionId, number, round.Attempt);
        var asked = await BlobJson.ReadAsync<DispatchRequest>(blobs, layout.Dispatch(ClientTaskKind.Validate), cancellationToken)
            ?? throw new ClientReportRejectedException($"round {number} of session '{sessionId}' has not asked for validations yet");
        if (Time.GetUtcNow() > asked.Deadline)
        {
            throw new ClientReportRejectedException($"the validation arrived after its deadline ({asked.Deadline:u})");
        }

        if (await _plans.ShardOfAsync(layout, clientId, cancellationToken) is null)
        {
            throw new ClientReportRejectedException($"client '{clientId}' was not asked to validate round {number} of session '{sessionId}'");
        }

        return asked;
    }

    private sealed record TrainingTaskKey(string SessionId, int Round, int Attempt, int Shard) : IRoundStep;

    private static void Refuse(string? problem)
    {
        if (problem is not null)
        {
            throw new ClientReportRejectedException(problem);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClientTask>> OpenTasksAsync(string clientId, CancellationToken cancellationToken = default) =>
        _openTasks.ForClientAsync(clientId, cancellationToken);

    private async Task<RoundRecord> CurrentRoundAsync(string sessionId, int round, CancellationToken cancellationToken) =>
        (await metadata.Rounds.GetAsync(sessionId, round, cancellationToken))?.Value
        ?? throw new ClientReportRejectedException($"session '{sessionId}' has no round {round}");
}
