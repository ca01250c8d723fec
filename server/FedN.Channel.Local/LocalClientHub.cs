using System.Net.WebSockets;
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
/// This type admits connections (the access token, its revocation, connections per client) and sends
/// to clients and groups; <see cref="HubMembership"/> keeps who is in which group, and
/// <see cref="HubRequests"/> reads each connection's requests (frame limits, acks, duplicates, the
/// request rate, events routed to the <see cref="ClientEventProcessor"/>).
/// </summary>
public sealed class LocalClientHub : IClientHub, IAsyncDisposable
{
    private readonly HubAccessTokens _tokens;
    private readonly ClientEventProcessor _events;
    private readonly LocalHubOptions _options;
    private readonly ILogger _logger;
    private readonly HubMembership _membership;
    private readonly RevocationCheck _revocations;
    private readonly HubRequests _requests;
    private volatile bool _closing;

    /// <summary>Creates the hub.</summary>
    public LocalClientHub(HubAccessTokens tokens, ClientEventProcessor events, LocalHubOptions? options = null, ILogger<LocalClientHub>? logger = null, TimeProvider? timeProvider = null, ITokenRevocations? revocations = null)
    {
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _options = options ?? new LocalHubOptions();
        _options.Validate();
        _logger = logger ?? NullLogger<LocalClientHub>.Instance;
        var time = timeProvider ?? TimeProvider.System;
        _membership = new HubMembership(() => new RequestRate(_options.RequestsPerSecond, _options.RequestBurst, time), _options.MaxConnectionsPerClient);
        _revocations = new RevocationCheck(revocations);
        _requests = new HubRequests(_membership, _events, _revocations, _options, _logger);
    }

    /// <summary>The hub's name.</summary>
    public string Hub => _options.Hub;

    /// <summary>Open connections.</summary>
    public int ConnectionCount => _membership.ConnectionCount;

    /// <summary>Whether client <paramref name="clientId"/> has a connection to this hub (deployments of several nodes route by it).</summary>
    public bool HasConnection(string clientId) => _membership.HasConnection(clientId);

    /// <inheritdoc />
    public Task SendToClientAsync(string clientId, ServerMessage message, CancellationToken cancellationToken = default) =>
        HubConnection.SendToEachAsync(_membership.OfUser(clientId), HubFrames.FromServer(message), cancellationToken);

    /// <inheritdoc />
    public Task SendToGroupAsync(string group, ServerMessage message, CancellationToken cancellationToken = default) =>
        HubConnection.SendToEachAsync(_membership.InGroup(group), HubFrames.FromServer(message), cancellationToken);

    /// <inheritdoc />
    public Task SendToAllAsync(ServerMessage message, CancellationToken cancellationToken = default) =>
        HubConnection.SendToEachAsync(_membership.All, HubFrames.FromServer(message), cancellationToken);

    /// <inheritdoc />
    public Task AddClientToGroupAsync(string clientId, string group, CancellationToken cancellationToken = default)
    {
        _membership.AddUserToGroup(clientId, group);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveClientFromGroupAsync(string clientId, string group, CancellationToken cancellationToken = default)
    {
        _membership.RemoveUserFromGroup(clientId, group);
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

        if (await _revocations.IsRevokedAsync(identity, context.RequestAborted))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, RevocationCheck.Message);
            return;
        }

        if (!_membership.TryReserveConnection(identity.UserId, out var rate))
        {
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, $"client '{identity.UserId}' already has {_options.MaxConnectionsPerClient} open connections, the most one client may hold; close one first");
            return;
        }

        try
        {
            await RunConnectionAsync(context, identity, rate);
        }
        finally
        {
            _membership.ReleaseConnection(identity.UserId);
        }
    }

    private async Task RunConnectionAsync(HttpContext context, HubIdentity identity, RequestRate rate)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(WebPubSubProtocol.Subprotocol);
        var connection = new HubConnection(Guid.NewGuid().ToString("N"), identity, socket, _options.SendTimeout);
        // Registered first, so nothing sent to the client is lost; its frames wait for "connected",
        // which goes out once the client is recorded online, followed by its open tasks.
        _membership.Register(connection);
        try
        {
            IReadOnlyList<ServerMessage> openTasks = [];
            await NotifyAsync(async () => openTasks = await _events.ConnectedAsync(identity.UserId, context.RequestAborted), "connected", identity.UserId);
            await connection.SendConnectedAsync();
            foreach (var message in openTasks)
            {
                await connection.SendAsync(HubFrames.FromServer(message), context.RequestAborted);
            }

            await _requests.ServeAsync(connection, socket, rate, context.RequestAborted);
        }
        finally
        {
            if (_membership.Unregister(connection))
            {
                await NotifyAsync(() => _events.DisconnectedAsync(identity.UserId, CancellationToken.None), "disconnected", identity.UserId);
            }
        }
    }

    /// <summary>Refuses new connections and closes every open one, telling clients the hub is going away.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await Task.WhenAll(_membership.All.Select(connection => connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "the server is shutting down; reconnect later")));
    }

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
}
