using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FedN.Contracts.Messaging;
using FedN.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Channel.Local;

/// <summary>
/// The local server's hub: Azure Web PubSub's client protocol (<see cref="WebPubSubProtocol.Subprotocol"/>)
/// at <c>/client/hubs/{hub}</c>, so one client works against Azure and the local server alike.
/// It checks the access token, grants the token's roles and groups, acks every request with an ackId,
/// answers a repeated ackId with <c>Duplicate</c>, routes <c>event</c> requests to the
/// <see cref="ClientEventProcessor"/>, and limits frame size, connections per client and the request rate of each client.
/// </summary>
public sealed class LocalClientHub : IClientHub, IAsyncDisposable
{
    private readonly HubAccessTokens _tokens;
    private readonly ClientEventProcessor _events;
    private readonly LocalHubOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, HubConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubConnection>> _byUser = new(StringComparer.Ordinal);

    // Guarded by _membership: per client, its open connections and the request rate they share.
    private readonly Dictionary<string, ClientAllowance> _allowances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubConnection>> _byGroup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _userGroups = new(StringComparer.Ordinal);
    private readonly object _membership = new();
    private readonly ITokenRevocations? _revocations;
    private volatile bool _closing;

    /// <summary>Creates the hub.</summary>
    public LocalClientHub(HubAccessTokens tokens, ClientEventProcessor events, LocalHubOptions? options = null, ILogger<LocalClientHub>? logger = null, TimeProvider? timeProvider = null, ITokenRevocations? revocations = null)
    {
        _revocations = revocations;
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _options = options ?? new LocalHubOptions();
        _options.Validate();
        _logger = logger ?? NullLogger<LocalClientHub>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The hub's name.</summary>
    public string Hub => _options.Hub;

    /// <summary>Open connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Whether client <paramref name="clientId"/> has a connection to this hub (deployments of several nodes route by it).</summary>
    public bool HasConnection(string clientId) => _byUser.ContainsKey(clientId);

    /// <inheritdoc />
    public Task SendToClientAsync(string clientId, ServerMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(_byUser.TryGetValue(clientId, out var connections) ? connections.Values : [], HubFrames.FromServer(message), cancellationToken);

    /// <inheritdoc />
    public Task SendToGroupAsync(string group, ServerMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(_byGroup.TryGetValue(group, out var connections) ? connections.Values : [], HubFrames.FromServer(message), cancellationToken);

    /// <inheritdoc />
    public Task SendToAllAsync(ServerMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(_connections.Values, HubFrames.FromServer(message), cancellationToken);

    /// <inheritdoc />
    public Task AddClientToGroupAsync(string clientId, string group, CancellationToken cancellationToken = default)
    {
        lock (_membership)
        {
            _userGroups.GetOrAdd(clientId, _ => new(StringComparer.Ordinal))[group] = true;
            foreach (var connection in _byUser.TryGetValue(clientId, out var connections) ? connections.Values : [])
            {
                Join(connection, group);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveClientFromGroupAsync(string clientId, string group, CancellationToken cancellationToken = default)
    {
        lock (_membership)
        {
            if (_userGroups.TryGetValue(clientId, out var groups))
            {
                groups.TryRemove(group, out _);
            }

            foreach (var connection in _byUser.TryGetValue(clientId, out var connections) ? connections.Values : [])
            {
                Leave(connection, group);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Uri> GetClientAccessUriAsync(string clientId, Uri serverBaseUri, TimeSpan lifetime, string? grantingTokenId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverBaseUri);
        var token = _tokens.Create(HubAccessTokens.Audience(serverBaseUri, Hub), clientId, lifetime, grantingTokenId: grantingTokenId);
        var scheme = serverBaseUri.Scheme is "https" or "wss" ? "wss" : "ws";
        return Task.FromResult(new Uri($"{scheme}://{serverBaseUri.Authority}{WebPubSubProtocol.HubPath(Hub)}?{WebPubSubProtocol.AccessTokenParameter}={Uri.EscapeDataString(token)}"));
    }

    /// <summary>
    /// Serves one request to <c>/client/hubs/{hub}</c>: refuses it with a status and a reason, or runs
    /// the connection until it closes. The host must have called <c>UseWebSockets</c>.
    /// </summary>
    public async Task AcceptAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_closing)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "the server is shutting down; reconnect later");
            return;
        }

        var hub = context.GetRouteValue("hub") as string ?? context.Request.Path.Value?.Split('/').LastOrDefault();
        if (!string.Equals(hub, Hub, StringComparison.Ordinal))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"there is no hub '{hub}' here; FedN's hub is {WebPubSubProtocol.HubPath(Hub)}");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains(WebPubSubProtocol.Subprotocol))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, $"this is a WebSocket endpoint: connect with subprotocol {WebPubSubProtocol.Subprotocol}");
            return;
        }

        var request = context.Request;
        if (!ServerAddress.TryResolve(request, _options.PublicUri, out var serverUri))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, ServerAddress.MalformedHost(request));
            return;
        }

        HubIdentity identity;
        try
        {
            var audience = HubAccessTokens.Audience(serverUri, Hub);
            identity = await _tokens.ValidateAsync(AccessToken(request), audience);
        }
        catch (AccessTokenRejectedException denied)
        {
            _logger.ConnectionRefused(context.Connection.RemoteIpAddress?.ToString(), denied.Message);
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, denied.Message);
            return;
        }

        if (await IsRevokedAsync(identity, context.RequestAborted))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, RevokedMessage);
            return;
        }

        if (!TryReserveConnection(identity.UserId, out var allowance))
        {
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, $"client '{identity.UserId}' already has {_options.MaxConnectionsPerClient} open connections, the most one client may hold; close one first");
            return;
        }

        try
        {
            await RunConnectionAsync(context, identity, allowance);
        }
        finally
        {
            ReleaseConnection(identity.UserId);
        }
    }

    private async Task RunConnectionAsync(HttpContext context, HubIdentity identity, ClientAllowance allowance)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(WebPubSubProtocol.Subprotocol);
        var connection = new HubConnection(Guid.NewGuid().ToString("N"), identity, socket, _options.SendTimeout);
        // Registered first, so nothing sent to the client is lost; its frames wait for "connected",
        // which goes out once the client is recorded online, followed by its open tasks.
        Register(connection);
        try
        {
            IReadOnlyList<ServerMessage> openTasks = [];
            await NotifyAsync(async () => openTasks = await _events.ConnectedAsync(identity.UserId, context.RequestAborted), "connected", identity.UserId);
            await connection.SendConnectedAsync();
            foreach (var message in openTasks)
            {
                await connection.SendAsync(HubFrames.FromServer(message), context.RequestAborted);
            }

            await ReceiveAsync(connection, socket, allowance.Rate, context.RequestAborted);
        }
        finally
        {
            if (Unregister(connection))
            {
                await NotifyAsync(() => _events.DisconnectedAsync(identity.UserId, CancellationToken.None), "disconnected", identity.UserId);
            }
        }
    }

    /// <summary>Refuses new connections and closes every open one, telling clients the hub is going away.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await Task.WhenAll(_connections.Values.Select(connection => connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "the server is shutting down; reconnect later")));
    }

    private async Task ReceiveAsync(HubConnection connection, WebSocket socket, RequestRate rate, CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, connection.Closed);
        var frame = new ArrayBufferWriter<byte>(4096);
        var acks = new AckIdWindow(_options.RememberedAckIds);
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
                    if (frame.WrittenCount > _options.MaxMessageBytes)
                    {
                        await connection.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"a frame of more than {_options.MaxMessageBytes} bytes was sent; the hub's limit is {_options.MaxMessageBytes} bytes per message");
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
        if (await IsRevokedAsync(connection.Identity, cancellationToken))
        {
            await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, RevokedMessage);
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
                await AckAsync(connection, ackId, WebPubSubProtocol.TooManyRequestsError, $"more than {_options.RequestsPerSecond} requests per second from this client; slow down and retry");
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

                lock (_membership)
                {
                    if (type == "joinGroup")
                    {
                        Join(connection, group);
                    }
                    else
                    {
                        Leave(connection, group);
                    }
                }

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
                var members = _byGroup.TryGetValue(group, out var connections) ? connections.Values.Where(member => !noEcho || member != connection) : [];
                await SendAsync(members, frame, cancellationToken);
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
            reply = await _events.HandleEventAsync(connection.UserId, eventName, data, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _logger.EventFailed(error, connection.UserId, eventName);
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

    private static async Task SendAsync(IEnumerable<HubConnection> connections, byte[] frame, CancellationToken cancellationToken) =>
        await Task.WhenAll(connections.Select(connection => connection.SendAsync(frame, cancellationToken)));

    private static string? AccessToken(HttpRequest request)
    {
        if (request.Query.TryGetValue(WebPubSubProtocol.AccessTokenParameter, out var query) && query.Count > 0)
        {
            return query[0];
        }

        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason);
    }

    private const string RevokedMessage = "the access token this connection was negotiated with has been revoked; ask an admin for a new one";

    private async ValueTask<bool> IsRevokedAsync(HubIdentity identity, CancellationToken cancellationToken) =>
        identity.GrantingTokenId is { } id && _revocations is not null && await _revocations.IsRevokedAsync(id, cancellationToken);

    /// <summary>Takes one of the client's connection slots, if it has one left; its connections share the returned request rate.</summary>
    private bool TryReserveConnection(string userId, out ClientAllowance allowance)
    {
        lock (_membership)
        {
            allowance = _allowances.TryGetValue(userId, out var existing) ? existing
                : _allowances[userId] = new ClientAllowance(new RequestRate(_options.RequestsPerSecond, _options.RequestBurst, _time));
            if (allowance.Connections >= _options.MaxConnectionsPerClient)
            {
                return false;
            }

            allowance.Connections++;
            return true;
        }
    }

    private void ReleaseConnection(string userId)
    {
        lock (_membership)
        {
            if (_allowances.TryGetValue(userId, out var allowance) && --allowance.Connections <= 0)
            {
                _allowances.Remove(userId);
            }
        }
    }

    private void Register(HubConnection connection)
    {
        lock (_membership)
        {
            _connections[connection.ConnectionId] = connection;
            _byUser.GetOrAdd(connection.UserId, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;
            var remembered = _userGroups.TryGetValue(connection.UserId, out var groups) ? groups.Keys : [];
            foreach (var group in connection.Identity.Groups.Concat(remembered))
            {
                Join(connection, group);
            }
        }
    }

    /// <summary>Forgets the connection; returns true when it was its user's last.</summary>
    private bool Unregister(HubConnection connection)
    {
        lock (_membership)
        {
            _connections.TryRemove(connection.ConnectionId, out _);
            foreach (var members in _byGroup.Values)
            {
                members.TryRemove(connection.ConnectionId, out _);
            }

            if (_byUser.TryGetValue(connection.UserId, out var mine))
            {
                mine.TryRemove(connection.ConnectionId, out _);
                if (mine.IsEmpty)
                {
                    _byUser.TryRemove(connection.UserId, out _);
                    return true;
                }
            }

            return false;
        }
    }

    private void Join(HubConnection connection, string group) =>
        _byGroup.GetOrAdd(group, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;

    private void Leave(HubConnection connection, string group)
    {
        if (_byGroup.TryGetValue(group, out var members))
        {
            members.TryRemove(connection.ConnectionId, out _);
        }
    }

    private async Task NotifyAsync(Func<Task> notify, string what, string userId)
    {
        try
        {
            await notify();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _logger.PresenceFailed(error, userId, what);
        }
    }

    /// <summary>What one client may still do: connections it holds, and the request rate they share.</summary>
    private sealed class ClientAllowance(RequestRate rate)
    {
        public RequestRate Rate { get; } = rate;

        public int Connections { get; set; }
    }
}
