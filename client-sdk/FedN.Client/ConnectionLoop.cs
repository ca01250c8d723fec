using System.Net;
using System.Net.WebSockets;
using FedN.Contracts.Messaging;
using Microsoft.Extensions.Logging;

namespace FedN.Client;

/// <summary>
/// Keeps the client connected: negotiates a hub URL with the client's token, opens the WebSocket,
/// hands each server message on, sends heartbeats, and on any failure tries
/// again after a backoff, on the next server of the deployment when there are several. Whoever needs
/// to send waits for the current connection with <see cref="CurrentAsync"/>.
/// </summary>
/// <param name="servers">The deployment's servers, tried in turn.</param>
/// <param name="options">The client's options (timeouts, heartbeat interval, backoff).</param>
/// <param name="time">The clock for backoff and heartbeats.</param>
/// <param name="logger">Where connections and failures are logged.</param>
/// <param name="received">Takes each message from the server, on the loop's thread (tasks, receipts).</param>
/// <param name="currentTaskId">The task in progress, which heartbeats name.</param>
/// <param name="raise">Reports connects and disconnects as progress.</param>
internal sealed class ConnectionLoop(
    IReadOnlyList<FedNApiClient> servers,
    FedNClientOptions options,
    TimeProvider time,
    ILogger logger,
    Action<ServerMessage> received,
    Func<string?> currentTaskId,
    Action<ClientProgressEventArgs> raise)
{
    private readonly object _lock = new();
    private TaskCompletionSource<WebPubSubConnection> _current = NewSignal();
    private int _server;

    /// <summary>The client id the server gave the last connection.</summary>
    public string? ClientId { get; private set; }

    /// <summary>Connects and reconnects until cancelled.</summary>
    /// <exception cref="FedNApiException">The server refuses the token: retrying would not help.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        for (var failures = 0; !cancellationToken.IsCancellationRequested;)
        {
            WebPubSubConnection? connection = null;
            try
            {
                var negotiated = await servers[_server].ConnectAsync(cancellationToken);
                connection = await WebPubSubConnection.ConnectAsync(negotiated.Url, options.ConnectTimeout, cancellationToken);
                ClientId = connection.UserId;
                failures = 0;
                lock (_lock)
                {
                    _current.TrySetResult(connection);
                }

                logger.ClientConnected(connection.UserId, connection.ConnectionId);
                raise(new ClientProgressEventArgs(ClientStage.Connected, message: connection.UserId));
                await ServeAsync(connection, cancellationToken);
                logger.ClientDisconnected(connection.CloseReason ?? "closed");
                raise(new ClientProgressEventArgs(ClientStage.Disconnected, message: connection.CloseReason));
            }
            catch (FedNApiException refused) when (refused.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                logger.TokenRefused(refused.Message);
                throw;
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever went wrong with this connection (the server went away mid-response, a frame
                // that is not JSON, a timeout), the client stays in the federation and tries again,
                // on the next server of the deployment when it was given several.
                logger.ConnectFailed(error.Message);
                _server = (_server + 1) % servers.Count;
                raise(new ClientProgressEventArgs(ClientStage.Disconnected, message: error.Message));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                lock (_lock)
                {
                    if (_current.Task.IsCompleted)
                    {
                        _current = NewSignal();
                    }
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }

            await Task.Delay(Backoff.After(failures++, options), time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The open connection, once there is one.</summary>
    public async Task<WebPubSubConnection> CurrentAsync(CancellationToken cancellationToken)
    {
        Task<WebPubSubConnection> next;
        lock (_lock)
        {
            next = _current.Task;
        }

        return await next.WaitAsync(cancellationToken);
    }

    /// <summary>The next connection after <paramref name="old"/> failed.</summary>
    public async Task<WebPubSubConnection> NextAfterAsync(WebPubSubConnection old, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await CurrentAsync(cancellationToken);
            if (current != old)
            {
                return current;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
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
                received(message);
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
        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await connection.SendEventWithoutAckAsync(ClientEvents.Heartbeat, new Heartbeat { TaskId = currentTaskId() }, cancellationToken);
            }
            catch (WebSocketException)
            {
                return;
            }
        }
    }

    private static TaskCompletionSource<WebPubSubConnection> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
