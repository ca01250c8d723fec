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
/// <remarks>
/// Three parts do the work: a connection loop (connect, reconnect, heartbeats), a task runner (one
/// task at a time, transfers, the trainer) and report delivery (acks across reconnects, receipts).
/// </remarks>
public sealed class FedNClient : IAsyncDisposable
{
    private readonly FedNClientOptions _options;
    private readonly HttpClient _http;
    private readonly List<FedNApiClient> _apis;
    private readonly ConnectionLoop _connections;
    private readonly ReportDelivery _reports;
    private readonly TaskRunner _tasks;

    /// <summary>Creates a client; <see cref="RunAsync"/> connects it.</summary>
    public FedNClient(FedNClientOptions options, ITrainer trainer)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentNullException.ThrowIfNull(trainer);
        var logger = options.Logger ?? NullLogger.Instance;
        var time = options.TimeProvider ?? TimeProvider.System;
        _http = options.HttpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _apis = [.. new[] { options.ServerUri }.Concat(options.OtherServerUris ?? []).Select(server => new FedNApiClient(server, options.Token, _http))];
        _connections = new ConnectionLoop(_apis, options, time, logger, Received, () => _tasks!.CurrentTaskId, Raise);
        _reports = new ReportDelivery(_connections, options, time, logger, Raise);
        _tasks = new TaskRunner(trainer, _http, _reports, () => _connections.ClientId, options, time, logger, Raise);
    }

    /// <summary>What the client is doing, for progress bars and logs. Raised on the client's threads; handlers must be quick.</summary>
    public event EventHandler<ClientProgressEventArgs>? Progress;

    /// <summary>The client id the server knows this client by, once connected.</summary>
    public string? ClientId => _connections.ClientId;

    /// <summary>Tasks done and reported.</summary>
    public int CompletedTasks => _tasks.Completed;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="FedNApiException">The server refuses the token (it is invalid, expired, or not a client token): retrying would not help.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = _tasks.RunAsync(stop.Token);
        try
        {
            await _connections.RunAsync(stop.Token);
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

    private void Received(ServerMessage message)
    {
        switch (message)
        {
            case { Kind: ServerMessageKind.Task, Task: { } task }:
                _tasks.Offer(task);
                break;
            case { Kind: ServerMessageKind.Receipt, Receipt: { } receipt }:
                _reports.Receive(receipt);
                break;
        }
    }

    private void Raise(ClientProgressEventArgs progress) => Progress?.Invoke(this, progress);
}
