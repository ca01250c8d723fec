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

    public string ConnectionId { get; } = connectionId;

    public HubIdentity Identity { get; } = identity;

    public string UserId => Identity.UserId;

    /// <summary>Cancelled when the connection is being closed for any reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Sends one text frame. A send that fails or takes longer than the timeout aborts the connection and returns false.</summary>
    public async Task<bool> SendAsync(byte[] frame, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        timeout.CancelAfter(sendTimeout);
        try
        {
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
        await SendAsync(HubFrames.Disconnected(reason));
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
}
#pragma warning restore CA1001
