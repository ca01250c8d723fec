using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;
using FedN.Contracts.Messaging;
using Microsoft.Extensions.Logging;

namespace FedN.Client;

/// <summary>
/// Runs the client's tasks one at a time, in the order they came: downloads the global model,
/// trains or validates with the <see cref="ITrainer"/>, uploads the update and reports it. A task is
/// run once however often the server sends it, dropped cleanly once its deadline passes, and a task
/// that fails is reported as failed (so its round stops waiting) and forgotten, so the copy sent on
/// the next connect is tried again.
/// </summary>
internal sealed class TaskRunner(ITrainer trainer, HttpClient http, ReportDelivery reports, Func<string?> clientId, FedNClientOptions options, TimeProvider time, ILogger logger, Action<ClientProgressEventArgs> raise)
{
    private readonly Channel<ClientTask> _queue = Channel.CreateUnbounded<ClientTask>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];
    private volatile string? _currentTaskId;
    private int _completed;

    /// <summary>The task in progress, if any.</summary>
    public string? CurrentTaskId => _currentTaskId;

    /// <summary>Tasks done and reported.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Queues a task the server sent, unless it is already queued, running or done.</summary>
    public void Offer(ClientTask task)
    {
        if (_seen.TryAdd(task.TaskId, true))
        {
            logger.TaskReceived(task.TaskId, task.Kind.ToString(), task.Round);
            raise(new ClientProgressEventArgs(ClientStage.TaskReceived, task.TaskId, task.Round, message: task.Kind.ToString().ToLowerInvariant()));
            _queue.Writer.TryWrite(task);
        }
    }

    /// <summary>Runs queued tasks until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var task in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            _currentTaskId = task.TaskId;
            try
            {
                await RunTaskAsync(task, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // Forgotten, so the copy the server sends when the client reconnects is tried again.
                _seen.TryRemove(task.TaskId, out _);
                logger.TaskFailed(task.TaskId, error.Message);
                raise(new ClientProgressEventArgs(ClientStage.TaskFailed, task.TaskId, task.Round, message: error.Message));
                await ReportFailureAsync(task, error, cancellationToken);
            }
            finally
            {
                _currentTaskId = null;
            }
        }
    }

    private async Task RunTaskAsync(ClientTask task, CancellationToken cancellationToken)
    {
        var left = task.Deadline - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            Skip(task, $"its deadline {task.Deadline:u} has passed");
            return;
        }

        using var span = ClientTelemetry.StartTask(task, clientId());
        using var expiry = new CancellationTokenSource(left, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        // Task ids are unique per client only, and one client id can run twice on a machine (against
        // two servers, or two demos at once): each running client has a folder of its own.
        var folder = Path.Combine(options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "fedn-client"), $"{SafeName(clientId() ?? "client")}-{_instance}", SafeName(task.TaskId));
        Directory.CreateDirectory(folder);
        try
        {
            var model = Path.Combine(folder, "model.safetensors");
            using (var download = ClientTelemetry.StartStep("download"))
            {
                await RetryTransferAsync(token => Transfers.DownloadAsync(http, task.ModelUrl, model, Bytes(ClientStage.Downloading, task), token, task.ModelSha256), deadline.Token);
                download?.SetTag("fedn.bytes", new FileInfo(model).Length);
            }

            if (task.Kind == ClientTaskKind.Train)
            {
                await TrainAsync(task, model, Path.Combine(folder, "update.safetensors"), deadline.Token);
            }
            else
            {
                await ValidateAsync(task, model, deadline.Token);
            }

            Interlocked.Increment(ref _completed);
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            span?.SetStatus(ActivityStatusCode.Error, "the deadline passed");
            Skip(task, $"its deadline {task.Deadline:u} passed before it was done; it is abandoned");
        }
        catch (Exception error)
        {
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            throw;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A trainer process may still hold a file; the folder is under temp.
            }
        }
    }

    /// <summary>Tells the server the task failed, so its round stops waiting for this client and says why; best effort, until the task's deadline.</summary>
    private async Task ReportFailureAsync(ClientTask task, Exception error, CancellationToken cancellationToken)
    {
        var left = task.Deadline - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            return;
        }

        using var expiry = new CancellationTokenSource(left, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        try
        {
            await reports.DeliverAsync(task, ClientEvents.Failed, new FailureReport
            {
                TaskId = task.TaskId,
                Kind = task.Kind,
                SessionId = task.SessionId,
                Round = task.Round,
                Attempt = task.Attempt,
                Shard = task.Shard,
                Reason = error.Message,
            }, deadline.Token);
        }
        catch (Exception reportError) when (reportError is OperationCanceledException or InvalidOperationException or WebSocketException)
        {
            logger.TaskFailed(task.TaskId, $"the failure could not be reported: {reportError.Message}");
        }
    }

    private async Task TrainAsync(ClientTask task, string model, string update, CancellationToken cancellationToken)
    {
        var uploadUrl = task.UploadUrl ?? throw new InvalidOperationException($"training task {task.TaskId} has no upload URL");
        raise(new ClientProgressEventArgs(ClientStage.Training, task.TaskId, task.Round));
        TrainingResult result;
        using (ClientTelemetry.StartStep("train"))
        {
            result = await trainer.TrainAsync(new TrainingRequest(task, model, update), cancellationToken);
        }

        if (result.NumExamples <= 0)
        {
            throw new TrainerException($"the trainer reported {result.NumExamples} training examples; the update's weight must be positive");
        }

        using (var upload = ClientTelemetry.StartStep("upload"))
        {
            upload?.SetTag("fedn.bytes", new FileInfo(update).Length);
            if (!await RetryTransferAsync(token => Transfers.UploadAsync(http, uploadUrl, update, Bytes(ClientStage.Uploading, task, new FileInfo(update).Length), token), cancellationToken))
            {
                logger.UpdateAlreadyUploaded(task.TaskId);
            }
        }


        await reports.DeliverAsync(task, ClientEvents.Update, new UpdateReport
        {
            TaskId = task.TaskId,
            SessionId = task.SessionId,
            Round = task.Round,
            Attempt = task.Attempt,
            Shard = task.Shard,
            NumExamples = result.NumExamples,
            Metrics = Finite(task, result.Metrics),
        }, cancellationToken);
    }

    private async Task ValidateAsync(ClientTask task, string model, CancellationToken cancellationToken)
    {
        raise(new ClientProgressEventArgs(ClientStage.Validating, task.TaskId, task.Round));
        ValidationResult result;
        using (ClientTelemetry.StartStep("validate"))
        {
            result = await trainer.ValidateAsync(new ValidationRequest(task, model), cancellationToken);
        }

        await reports.DeliverAsync(task, ClientEvents.Validation, new ValidationReport
        {
            TaskId = task.TaskId,
            SessionId = task.SessionId,
            Round = task.Round,
            ModelId = task.ModelId,
            NumExamples = result.NumExamples,
            Metrics = Finite(task, result.Metrics)!,
        }, cancellationToken);
    }

    /// <summary>The metrics without NaN or infinite values (JSON cannot carry them), each one dropped with a warning.</summary>
    private Dictionary<string, double>? Finite(ClientTask task, IReadOnlyDictionary<string, double>? metrics)
    {
        if (metrics is null)
        {
            return null;
        }

        foreach (var (name, value) in metrics.Where(metric => !double.IsFinite(metric.Value)))
        {
            logger.MetricDropped(task.TaskId, name, value);
        }

        return metrics.Where(metric => double.IsFinite(metric.Value)).ToDictionary(metric => metric.Key, metric => metric.Value);
    }

    /// <summary>
    /// Runs a model transfer, again with backoff while the failure is the network's or the server's
    /// (no connection, 5xx) until the task's deadline cancels it; a refusal (4xx: an expired or foreign
    /// URL) fails at once.
    /// </summary>
    private async Task RetryTransferAsync(Func<CancellationToken, Task> transfer, CancellationToken cancellationToken) =>
        await RetryTransferAsync(async token => { await transfer(token); return true; }, cancellationToken);

    private async Task<T> RetryTransferAsync<T>(Func<CancellationToken, Task<T>> transfer, CancellationToken cancellationToken)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                return await transfer(cancellationToken);
            }
            catch (Exception error) when (error is IOException || (error is HttpRequestException http && (http.StatusCode is null || (int)http.StatusCode >= 500)))
            {
                logger.TransferRetry(error.Message);
                await Task.Delay(Backoff.After(failures, options), time, cancellationToken);
            }
        }
    }

    private void Skip(ClientTask task, string why)
    {
        logger.TaskSkipped(task.TaskId, why);
        raise(new ClientProgressEventArgs(ClientStage.TaskSkipped, task.TaskId, task.Round, message: why));
    }

    private BytesProgress Bytes(ClientStage stage, ClientTask task, long? total = null) =>
        new(bytes => raise(new ClientProgressEventArgs(stage, task.TaskId, task.Round, bytes, total)));

    private static string SafeName(string taskId) => string.Concat(taskId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order with the stages).</summary>
    private sealed class BytesProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
