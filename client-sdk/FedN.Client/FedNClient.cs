using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using FedN.Contracts.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Client;

/// <summary>
/// A federated client: negotiates a WebSocket with its token, receives tasks, downloads the global
/// model, runs the <see cref="ITrainer"/>, uploads the update and reports it. Only outbound
/// connections. It reconnects with exponential backoff and jitter; a task in progress goes on across
/// a reconnect and is reported on the new connection, or dropped cleanly once its deadline passes.
/// </summary>
public sealed class FedNClient : IAsyncDisposable
{
    private readonly FedNClientOptions _options;
    private readonly ITrainer _trainer;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly List<FedNApiClient> _apis;
    private int _server;
    private readonly Channel<ClientTask> _tasks = Channel.CreateUnbounded<ClientTask>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, bool> _seenTasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Event, string TaskId), TaskCompletionSource<ReportReceipt>> _receipts = new();
    private readonly object _connectionLock = new();
    private TaskCompletionSource<WebPubSubConnection> _connection = NewConnectionSignal();
    private string? _currentTaskId;
    private int _completedTasks;

    /// <summary>Creates a client; <see cref="RunAsync"/> connects it.</summary>
    public FedNClient(FedNClientOptions options, ITrainer trainer)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _trainer = trainer ?? throw new ArgumentNullException(nameof(trainer));
        _logger = options.Logger ?? NullLogger.Instance;
        _http = options.HttpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _apis = [.. new[] { options.ServerUri }.Concat(options.OtherServerUris ?? []).Select(server => new FedNApiClient(server, options.Token, _http))];
    }

    /// <summary>What the client is doing, for progress bars and logs. Raised on the client's threads; handlers must be quick.</summary>
    public event EventHandler<ClientProgressEventArgs>? Progress;

    /// <summary>The client id the server knows this client by, once connected.</summary>
    public string? ClientId { get; private set; }

    /// <summary>Tasks done and reported.</summary>
    public int CompletedTasks => _completedTasks;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="FedNApiException">The server refuses the token (it is invalid, expired, or not a client token): retrying would not help.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = WorkAsync(stop.Token);
        try
        {
            await ConnectLoopAsync(stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
        {
            api.Dispose();
        }

        if (_options.HttpClient is null)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        for (var failures = 0; !cancellationToken.IsCancellationRequested;)
        {
            WebPubSubConnection? connection = null;
            try
            {
                var negotiated = await _apis[_server].ConnectAsync(cancellationToken);
                connection = await WebPubSubConnection.ConnectAsync(negotiated.Url, _options.ConnectTimeout, cancellationToken);
                ClientId = connection.UserId;
                failures = 0;
                lock (_connectionLock)
                {
                    _connection.TrySetResult(connection);
                }

                _logger.ClientConnected(connection.UserId, connection.ConnectionId);
                Raise(new ClientProgressEventArgs(ClientStage.Connected, message: connection.UserId));
                await ServeAsync(connection, cancellationToken);
                _logger.ClientDisconnected(connection.CloseReason ?? "closed");
                Raise(new ClientProgressEventArgs(ClientStage.Disconnected, message: connection.CloseReason));
            }
            catch (FedNApiException refused) when (refused.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                _logger.TokenRefused(refused.Message);
                throw;
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever went wrong with this connection (the server went away mid-response, a frame
                // that is not JSON, a timeout), the client stays in the federation and tries again,
                // on the next server of the deployment when it was given several.
                _logger.ConnectFailed(error.Message);
                _server = (_server + 1) % _apis.Count;
                Raise(new ClientProgressEventArgs(ClientStage.Disconnected, message: error.Message));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                lock (_connectionLock)
                {
                    if (_connection.Task.IsCompleted)
                    {
                        _connection = NewConnectionSignal();
                    }
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }

            await Task.Delay(Backoff(failures++), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads the connection's messages and sends heartbeats until it closes.</summary>
    private async Task ServeAsync(WebPubSubConnection connection, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatAsync(connection, stop.Token);
        try
        {
            await foreach (var message in connection.Messages.ReadAllAsync(cancellationToken))
            {
                switch (message)
                {
                    case { Kind: ServerMessageKind.Task, Task: { } task }:
                        if (_seenTasks.TryAdd(task.TaskId, true))
                        {
                            _logger.TaskReceived(task.TaskId, task.Kind.ToString(), task.Round);
                            Raise(new ClientProgressEventArgs(ClientStage.TaskReceived, task.TaskId, task.Round, message: task.Kind.ToString().ToLowerInvariant()));
                            _tasks.Writer.TryWrite(task);
                        }

                        break;
                    case { Kind: ServerMessageKind.Receipt, Receipt: { TaskId: { } taskId } receipt }:
                        if (_receipts.TryGetValue((receipt.Event, taskId), out var waiting))
                        {
                            waiting.TrySetResult(receipt);
                        }

                        break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HeartbeatAsync(WebPubSubConnection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await connection.SendEventWithoutAckAsync(ClientEvents.Heartbeat, new Heartbeat { TaskId = _currentTaskId }, cancellationToken);
            }
            catch (WebSocketException)
            {
                return;
            }
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        await foreach (var task in _tasks.Reader.ReadAllAsync(cancellationToken))
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
                _seenTasks.TryRemove(task.TaskId, out _);
                _logger.TaskFailed(task.TaskId, error.Message);
                Raise(new ClientProgressEventArgs(ClientStage.TaskFailed, task.TaskId, task.Round, message: error.Message));
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
        var left = task.Deadline - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            Skip(task, $"its deadline {task.Deadline:u} has passed");
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(left);
        // Task ids are unique per client only: clients sharing a machine get their own folders.
        var folder = Path.Combine(_options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "fedn-client"), SafeName(ClientId ?? "client"), SafeName(task.TaskId));
        Directory.CreateDirectory(folder);
        try
        {
            var model = Path.Combine(folder, "model.safetensors");
            await RetryTransferAsync(token => Transfers.DownloadAsync(_http, task.ModelUrl, model, Bytes(ClientStage.Downloading, task), token, task.ModelSha256), deadline.Token);
            if (task.Kind == ClientTaskKind.Train)
            {
                await TrainAsync(task, model, Path.Combine(folder, "update.safetensors"), deadline.Token);
            }
            else
            {
                await ValidateAsync(task, model, deadline.Token);
            }

            Interlocked.Increment(ref _completedTasks);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Skip(task, $"its deadline {task.Deadline:u} passed before it was done; it is abandoned");
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
        var left = task.Deadline - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(left);
        try
        {
            await ReportAsync(task, ClientEvents.Failed, new FailureReport
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
            _logger.TaskFailed(task.TaskId, $"the failure could not be reported: {reportError.Message}");
        }
    }

    private async Task TrainAsync(ClientTask task, string model, string update, CancellationToken cancellationToken)
    {
        var uploadUrl = task.UploadUrl ?? throw new InvalidOperationException($"training task {task.TaskId} has no upload URL");
        Raise(new ClientProgressEventArgs(ClientStage.Training, task.TaskId, task.Round));
        var result = await _trainer.TrainAsync(new TrainingRequest(task, model, update), cancellationToken);
        if (result.NumExamples <= 0)
        {
            throw new TrainerException($"the trainer reported {result.NumExamples} training examples; the update's weight must be positive");
        }

        if (!await RetryTransferAsync(token => Transfers.UploadAsync(_http, uploadUrl, update, Bytes(ClientStage.Uploading, task, new FileInfo(update).Length), token), cancellationToken))
        {
            _logger.UpdateAlreadyUploaded(task.TaskId);
        }

        await ReportAsync(task, ClientEvents.Update, new UpdateReport
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
        Raise(new ClientProgressEventArgs(ClientStage.Validating, task.TaskId, task.Round));
        var result = await _trainer.ValidateAsync(new ValidationRequest(task, model), cancellationToken);
        await ReportAsync(task, ClientEvents.Validation, new ValidationReport
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
            _logger.MetricDropped(task.TaskId, name, value);
        }

        return metrics.Where(metric => double.IsFinite(metric.Value)).ToDictionary(metric => metric.Key, metric => metric.Value);
    }

    /// <summary>
    /// Sends a report until a connection acks it, across reconnects, then waits for its receipt. An ack
    /// without a receipt (the connection dropped in between) counts as delivered: sending it again
    /// could only be refused as a repeat.
    /// </summary>
    private async Task ReportAsync<T>(ClientTask task, string eventName, T report, CancellationToken cancellationToken)
    {
        var receipt = new TaskCompletionSource<ReportReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        _receipts[(eventName, task.TaskId)] = receipt;
        try
        {
            for (var failures = 0; ; failures++)
            {
                var connection = await WaitForConnectionAsync(cancellationToken);
                Ack ack;
                try
                {
                    ack = await connection.SendEventAsync(eventName, report, _options.AckTimeout, attempts: 3, cancellationToken);
                }
                catch (WebSocketException)
                {
                    await WaitForNewConnectionAsync(connection, cancellationToken);
                    continue;
                }

                if (!ack.Success)
                {
                    if (ack.Error is WebPubSubProtocol.ForbiddenError or WebPubSubProtocol.BadRequestError)
                    {
                        throw new InvalidOperationException($"the server refused the '{eventName}' event: {ack.Error}: {ack.Message}");
                    }

                    await Task.Delay(Backoff(failures), cancellationToken);
                    continue;
                }

                await ((Task)receipt.Task).WaitAsync(_options.ReceiptTimeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                if (receipt.Task.IsCompletedSuccessfully)
                {
                    var result = receipt.Task.Result;
                    var message = result.Accepted ? "accepted" : $"refused: {result.Reason}";
                    _logger.Reported(task.TaskId, eventName, message);
                    Raise(new ClientProgressEventArgs(ClientStage.Reported, task.TaskId, task.Round, message: message));
                }
                else
                {
                    Raise(new ClientProgressEventArgs(ClientStage.Reported, task.TaskId, task.Round, message: "delivered (no receipt)"));
                }

                return;
            }
        }
        finally
        {
            _receipts.TryRemove((eventName, task.TaskId), out _);
        }
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
                _logger.TransferRetry(error.Message);
                await Task.Delay(Backoff(failures), cancellationToken);
            }
        }
    }

    private async Task<WebPubSubConnection> WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        Task<WebPubSubConnection> next;
        lock (_connectionLock)
        {
            next = _connection.Task;
        }

        return await next.WaitAsync(cancellationToken);
    }

    private async Task WaitForNewConnectionAsync(WebPubSubConnection old, CancellationToken cancellationToken)
    {
        while (await WaitForConnectionAsync(cancellationToken) == old)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(_options.MaxReconnectDelay.TotalMilliseconds, _options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)));
        // "Equal jitter": at least half the ceiling, so clients that lost one server together do not return together.
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private void Skip(ClientTask task, string why)
    {
        _logger.TaskSkipped(task.TaskId, why);
        Raise(new ClientProgressEventArgs(ClientStage.TaskSkipped, task.TaskId, task.Round, message: why));
    }

    private BytesProgress Bytes(ClientStage stage, ClientTask task, long? total = null) =>
        new(bytes => Raise(new ClientProgressEventArgs(stage, task.TaskId, task.Round, bytes, total)));

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order with the stages).</summary>
    private sealed class BytesProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private void Raise(ClientProgressEventArgs progress) => Progress?.Invoke(this, progress);

    private static string SafeName(string taskId) => string.Concat(taskId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static TaskCompletionSource<WebPubSubConnection> NewConnectionSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
