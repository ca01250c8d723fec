using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using FedN.Contracts;
using FedN.Contracts.Messaging;

namespace FedN.Client;

/// <summary>The outcome of a request: the server's ack.</summary>
/// <param name="Success">Whether it was processed (a <c>Duplicate</c> counts: it was processed before).</param>
/// <param name="Error">The error name (<c>Forbidden</c>, <c>InternalServerError</c>, ...) when not.</param>
/// <param name="Message">The server's explanation.</param>
internal sealed record Ack(bool Success, string? Error = null, string? Message = null);

/// <summary>
/// One WebSocket in the Azure Web PubSub JSON subprotocol: waits for <c>connected</c>, turns server
/// messages into <see cref="ServerMessage"/>s, and sends <c>event</c> requests with ackIds, resending
/// the same ackId when an ack is late (the server answers a repeat with <c>Duplicate</c>, so nothing
/// is processed twice).
/// </summary>
internal sealed class WebPubSubConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Ack>> _pendingAcks = new();
    private readonly Channel<ServerMessage> _messages = Channel.CreateUnbounded<ServerMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closed = new();
    private long _nextAckId;
    private Task _receiving = Task.CompletedTask;

    private WebPubSubConnection(ClientWebSocket socket) => _socket = socket;

    /// <summary>The user id the server gave the connection.</summary>
    public string UserId { get; private set; } = "";

    /// <summary>The connection id.</summary>
    public string ConnectionId { get; private set; } = "";

    /// <summary>Messages from the server, in order; completes when the connection closes.</summary>
    public ChannelReader<ServerMessage> Messages => _messages.Reader;

    /// <summary>Why the connection closed, once it has.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Completes when the connection is closed.</summary>
    public Task Completion => _receiving;

    /// <summary>Opens a connection to <paramref name="url"/> (which carries its access token) and waits for <c>connected</c>.</summary>
    public static async Task<WebPubSubConnection> ConnectAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(WebPubSubProtocol.Subprotocol);
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        socket.Options.CollectHttpResponseDetails = true;
        var connection = new WebPubSubConnection(socket);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(url, deadline.Token);
            using var connected = JsonDocument.Parse(await connection.ReceiveFrameAsync(deadline.Token) ?? throw new WebSocketException("the server closed the connection before 'connected'"));
            var root = connected.RootElement;
            if (root.GetProperty("type").GetString() != "system" || root.GetProperty("event").GetString() != "connected")
            {
                throw new WebSocketException($"expected the 'connected' system message first, got: {root.GetRawText()}");
            }

            connection.UserId = root.GetProperty("userId").GetString() ?? "";
            connection.ConnectionId = root.GetProperty("connectionId").GetString() ?? "";
            connection._receiving = connection.ReceiveLoopAsync();
            return connection;
        }
        catch (WebSocketException error) when (socket.HttpStatusCode is { } status && (int)status >= 400)
        {
            socket.Dispose();
            throw new WebSocketException($"the hub refused the connection: HTTP {(int)status}", error);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends event <paramref name="eventName"/> with JSON <paramref name="data"/> and waits for its ack,
    /// resending the same ackId up to <paramref name="attempts"/> times when the ack is late.
    /// </summary>
    /// <exception cref="WebSocketException">The connection closed first.</exception>
    public async Task<Ack> SendEventAsync<T>(string eventName, T data, TimeSpan ackTimeout, int attempts, CancellationToken cancellationToken)
    {
        var ackId = (ulong)Interlocked.Increment(ref _nextAckId);
        var frame = EventFrame(eventName, data, ackId);
        var pending = new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingAcks[ackId] = pending;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await SendFrameAsync(frame, cancellationToken);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
                wait.CancelAfter(ackTimeout);
                try
                {
                    return await pending.Task.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested && attempt < attempts)
                {
                    // The ack is late: send the same ackId again; if the first copy was processed, the server says Duplicate.
                }
                catch (OperationCanceledException) when (_closed.IsCancellationRequested)
                {
                    throw new WebSocketException($"the connection closed before the ack of '{eventName}'{(CloseReason is null ? "" : $": {CloseReason}")}");
                }
            }
        }
        finally
        {
            _pendingAcks.TryRemove(ackId, out _);
        }
    }

    /// <summary>Sends event <paramref name="eventName"/> without asking for an ack (heartbeats).</summary>
    public Task SendEventWithoutAckAsync<T>(string eventName, T data, CancellationToken cancellationToken) =>
        SendFrameAsync(EventFrame(eventName, data, null), cancellationToken);

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "client closing", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                _socket.Abort();
            }
        }

        await _closed.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (await ReceiveFrameAsync(_closed.Token) is { } frame)
            {
                Dispatch(frame);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or JsonException)
        {
            CloseReason ??= error.Message;
        }
        finally
        {
            CloseReason ??= _socket.CloseStatusDescription ?? "the connection closed";
            _messages.Writer.TryComplete();
            await _closed.CancelAsync();
        }
    }

    private void Dispatch(byte[] frame)
    {
        using var document = JsonDocument.Parse(frame);
        var root = document.RootElement;
        switch (root.TryGetProperty("type", out var type) ? type.GetString() : null)
        {
            case "ack":
                var ackId = root.GetProperty("ackId").GetUInt64();
                var success = root.GetProperty("success").GetBoolean();
                string? name = null, message = null;
                if (!success && root.TryGetProperty("error", out var error))
                {
                    name = error.TryGetProperty("name", out var n) ? n.GetString() : null;
                    message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                }

                if (_pendingAcks.TryGetValue(ackId, out var pending))
                {
                    pending.TrySetResult(success || name == WebPubSubProtocol.DuplicateError ? new Ack(true, name, message) : new Ack(false, name, message));
                }

                break;
            case "message" when root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object:
                if (Read(data) is { } serverMessage)
                {
                    _messages.Writer.TryWrite(serverMessage);
                }

                break;
            case "system" when root.TryGetProperty("event", out var systemEvent) && systemEvent.GetString() == "disconnected":
                CloseReason = root.TryGetProperty("message", out var reason) ? reason.GetString() : "the server disconnected the client";
                break;
        }
    }

    /// <summary>A server message, or null for one of a kind (or shape) this client does not know: newer servers may send more kinds.</summary>
    private static ServerMessage? Read(JsonElement data)
    {
        try
        {
            return data.Deserialize<ServerMessage>(FedNJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<byte[]?> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                CloseReason ??= _socket.CloseStatusDescription;
                return null;
            }

            buffer.Advance(result.Count);
        }
        while (!result.EndOfMessage);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task SendFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static byte[] EventFrame<T>(string eventName, T data, ulong? ackId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "event");
            writer.WriteString("event", eventName);
            if (ackId is { } id)
            {
                writer.WriteNumber("ackId", id);
            }

            writer.WriteString("dataType", "json");
            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, data, FedNJson.Options);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
