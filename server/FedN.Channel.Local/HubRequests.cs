using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FedN.Contracts.Messaging;
using Microsoft.Extensions.Logging;

namespace FedN.Channel.Local;

/// <summary>
/// Reads one connection's requests in the Web PubSub client protocol and answers them: frames are
/// bounded in size and must be JSON text; each request is rate-limited, acked when it has an ackId
/// (a repeated ackId gets <c>Duplicate</c>), and run: group joins and sends, and <c>event</c>s, which go to
/// the <see cref="ClientEventProcessor"/>. A frame that breaks the protocol closes the connection with the reason.
/// </summary>
internal sealed class HubRequests(HubMembership membership, ClientEventProcessor events, RevocationCheck revocations, LocalHubOptions options, ILogger logger)
{
    /// <summary>Serves the connection's requests until it closes, is aborted or breaks the protocol.</summary>
    public async Task ServeAsync(HubConnection connection, WebSocket socket, RequestRate rate, CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, connection.Closed);
        var frame = new ArrayBufferWriter<byte>(4096);
        var acks = new AckIdWindow(options.RememberedAckIds);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                frame.Clear();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(frame.GetMemory(16 * 1024), stop.Token);
                    frame.Advance(result.Count);
                    if (frame.WrittenCount > options.MaxMessageBytes)
                    {
                        await connection.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"a frame of more than {options.MaxMessageBytes} bytes was sent; the hub's limit is {options.MaxMessageBytes} bytes per message");
                        return;
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                switch (result.MessageType)
                {
                    case WebSocketMessageType.Close:
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    case WebSocketMessageType.Binary:
                        await connection.CloseAsync(WebSocketCloseStatus.InvalidMessageType, $"frames must be JSON text ({WebPubSubProtocol.Subprotocol})");
                        return;
                }

                if (!await HandleFrameAsync(connection, frame.WrittenMemory, rate, acks, stop.Token))
                {
                    return;
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            // The client went away, the connection was aborted, or the server is stopping.
        }
    }

    /// <summary>Handles one request; returns false when the connection was closed because of it.</summary>
    private async Task<bool> HandleFrameAsync(HubConnection connection, ReadOnlyMemory<byte> frame, RequestRate rate, AckIdWindow acks, CancellationToken cancellationToken)
    {
        // A connection made with a token revoked since is closed at its next frame (the SDK's heartbeat comes every 10 s).
        if (await revocations.IsRevokedAsync(connection.Identity, cancellationToken))
        {
            await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, RevocationCheck.Message);
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException error)
        {
            await connection.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, $"a frame is not JSON ({error.Message})");
            return false;
        }

        using (document)
        {
            var request = document.RootElement;
            ulong? ackId = null;
            if (request.ValueKind == JsonValueKind.Object && request.TryGetProperty("ackId", out var ackElement))
            {
                if (!ackElement.TryGetUInt64(out var value))
                {
                    await connection.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "ackId must be an unsigned 64-bit integer");
                    return false;
                }

                ackId = value;
            }

            if (!rate.TryTake())
            {
                await AckAsync(connection, ackId, WebPubSubProtocol.TooManyRequestsError, $"more than {options.RequestsPerSecond} requests per second from this client; slow down and retry");
                return true;
            }

            if (ackId is { } id && acks.Contains(id))
            {
                await AckAsync(connection, ackId, WebPubSubProtocol.DuplicateError, $"Message with ack-id: {id} has been processed");
                return true;
            }

            var (error, message, reply) = await DispatchAsync(connection, request, cancellationToken);
            if (error is null && ackId is { } processed)
            {
                acks.Add(processed);
            }

            await AckAsync(connection, ackId, error, message);
            if (reply is not null)
            {
                await connection.SendAsync(HubFrames.FromServer(reply), cancellationToken);
            }

            return true;
        }
    }

    /// <summary>Runs a request; returns the ack error name and message (nulls on success) and, for an event, the reply to send after the ack.</summary>
    private async Task<(string? Error, string? Message, ServerMessage? Reply)> DispatchAsync(HubConnection connection, JsonElement request, CancellationToken cancellationToken)
    {
        var type = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "joinGroup" or "leaveGroup":
            {
                if (Text(request, "group") is not { Length: > 0 } group)
                {
                    return (WebPubSubProtocol.BadRequestError, $"{type} needs a 'group'", null);
                }

                if (!connection.Identity.MayJoinOrLeave(group))
                {
                    return (WebPubSubProtocol.ForbiddenError, $"the connection has no permission to {(type == "joinGroup" ? "join" : "leave")} group '{group}'", null);
                }

                membership.SetConnectionInGroup(connection, group, member: type == "joinGroup");
                return (null, null, null);
            }

            case "sendToGroup":
            {
                if (Text(request, "group") is not { Length: > 0 } group || !request.TryGetProperty("data", out var data))
                {
                    return (WebPubSubProtocol.BadRequestError, "sendToGroup needs a 'group' and 'data'", null);
                }

                if (!connection.Identity.MaySendTo(group))
                {
                    return (WebPubSubProtocol.ForbiddenError, $"the connection has no permission to send to group '{group}'", null);
                }

                var noEcho = request.TryGetProperty("noEcho", out var echo) && echo.ValueKind == JsonValueKind.True;
                var frame = HubFrames.FromGroup(group, connection.UserId, Text(request, "dataType") ?? "json", data);
                await HubConnection.SendToEachAsync(membership.InGroup(group).Where(member => !noEcho || member != connection), frame, cancellationToken);
                return (null, null, null);
            }

            case "event":
                return await HandleEventAsync(connection, request, cancellationToken);

            case "sequenceAck":
                // Only meaningful in the reliable subprotocol; harmless here.
                return (null, null, null);

            default:
                return (WebPubSubProtocol.BadRequestError, type is null
                    ? "a request needs a string 'type'"
                    : $"unknown request type '{type}': use joinGroup, leaveGroup, sendToGroup or event", null);
        }
    }

    private async Task<(string? Error, string? Message, ServerMessage? Reply)> HandleEventAsync(HubConnection connection, JsonElement request, CancellationToken cancellationToken)
    {
        if (Text(request, "event") is not { Length: > 0 } eventName)
        {
            return (WebPubSubProtocol.BadRequestError, "an event request needs an 'event' name", null);
        }

        byte[] data;
        try
        {
            data = EventData(request);
        }
        catch (FormatException invalid)
        {
            return (WebPubSubProtocol.BadRequestError, invalid.Message, null);
        }

        ServerMessage? reply;
        try
        {
            reply = await events.HandleEventAsync(connection.UserId, eventName, data, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.EventFailed(error, connection.UserId, eventName);
            return (WebPubSubProtocol.InternalServerError, $"the server could not handle the '{eventName}' event; send it again", null);
        }

        return (null, null, reply);
    }

    /// <summary>The event's data as UTF-8 JSON: <c>json</c> data as is, <c>text</c> as its string, <c>binary</c> decoded from base64.</summary>
    private static byte[] EventData(JsonElement request)
    {
        if (!request.TryGetProperty("data", out var data))
        {
            return "null"u8.ToArray();
        }

        return (Text(request, "dataType") ?? "json") switch
        {
            "json" => Encoding.UTF8.GetBytes(data.GetRawText()),
            "text" when data.ValueKind == JsonValueKind.String => Encoding.UTF8.GetBytes(data.GetString()!),
            "binary" or "protobuf" when data.ValueKind == JsonValueKind.String => Convert.FromBase64String(data.GetString()!),
            var other => throw new FormatException($"dataType '{other}' with this data is not supported: use json, text (a string) or binary (base64)"),
        };
    }

    private static string? Text(JsonElement request, string property) =>
        request.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Task AckAsync(HubConnection connection, ulong? ackId, string? error, string? message) => ackId switch
    {
        null => Task.CompletedTask,
        { } id when error is null => connection.SendAsync(HubFrames.Ack(id)),
        { } id => connection.SendAsync(HubFrames.AckError(id, error, message ?? error)),
    };
}
