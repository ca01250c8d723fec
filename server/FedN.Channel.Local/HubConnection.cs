using System.Net.WebSockets;

namespace FedN.Channel.Local;

/// <summary>
/// One open WebSocket of the local hub: who it is, and one sender at a time. Nothing here is disposed:
/// other threads may still try to send after the connection closed, and must get <c>false</c>, not an exception.
/// </summary>
#pragma warning disable CA1001 // See the summary: closed connections must stay usable (and answer false) for late senders.
internal sealed class HubConnection(string connectionId, HubIdentity identity, WebSocket socket, TimeSpan sendTimeout)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _connectedSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ConnectionId { get; } = connectionId;

    public HubIdentity Identity { get; } = identity;

    public string UserId => Identity.UserId;

    /// <summary>Cancelled when the connection is being closed for any reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Sends the <c>connected</c> system message: the first frame; other sends wait for it.</summary>
    public async Task<bool> SendConnectedAsync()
    {
        var sent = await SendFrameAsync(HubFrames.Connected(UserId, ConnectionId), CancellationToken.None);
        _connectedSent.TrySetResult();
        return sent;
    }

    /// <summary>Sends one text frame, after <c>connected</c>. A send that fails or takes longer than the timeout aborts the connection and returns false.</summary>
    public Task<bool> SendAsync(byte[] frame, CancellationToken cancellationToken = default) => SendFrameAsync(frame, cancellationToken, afterConnected: true);

    private async Task<bool> SendFrameAsync(byte[] frame, CancellationToken cancellationToken, bool afterConnected = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        timeout.CancelAfter(sendTimeout);
        try
        {
            if (afterConnected)
            {
                await _connectedSent.Task.WaitAsync(timeout.Token);
            }

            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                return true;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            Abort();
            return false;
        }
    }

    /// <summary>Tells the client why, then closes with <paramref name="status"/>.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        await SendFrameAsync(HubFrames.Disconnected(reason), CancellationToken.None);
        try
        {
            using var timeout = new CancellationTokenSource(sendTimeout);
            // Close reasons are limited to 123 bytes; the disconnected message carries the whole text.
            await socket.CloseOutputAsync(status, reason.Length <= 120 ? reason : reason[..120], timeout.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            Abort();
        }

        _closed.Cancel();
    }

    public void Abort()
    {
        _closed.Cancel();
        socket.Abort();
    }

    /// <summary>Sends one frame to each connection concurrently; one that cannot take it is aborted and the others still get it.</summary>
    public static async Task SendToEachAsync(IEnumerable<HubConnection> connections, byte[] frame, CancellationToken cancellationToken) =>
        await Task.WhenAll(connections.Select(connection => connection.SendAsync(frame, cancellationToken)));
}
#pragma warning restore CA1001
