using System.Text.Json;
using FedN.Channel;
using FedN.Contracts;
using FedN.Contracts.Messaging;
using FedN.Core;
using Microsoft.Azure.Functions.Worker;

namespace FedN.Functions.WebPubSub;

/// <summary>
/// Azure Web PubSub's events for FedN's hub, handled as the local hub handles them: the connect rules
/// (<see cref="HubConnectRules"/>), online status and open tasks on connect, and client events through
/// <see cref="ClientEventProcessor"/>, whose receipt goes back on the caller's connection. The client id
/// is always the connection's user id, which the service took from the token it checked.
/// </summary>
public sealed class ClientHubFunctions(ClientEventProcessor events, IClientHub hub)
{
    private const string Hub = WebPubSubProtocol.DefaultHub;

    /// <summary>Accepts a connection that follows the rules, without extra roles or groups (a FedN client only sends events).</summary>
    [Function("hub-connect")]
    public static WebPubSubEventResponse Connect([WebPubSubTrigger(Hub, WebPubSubEventType.System, "connect")] ConnectEventRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userId = request.ConnectionContext.UserId;
        return HubConnectRules.Refusal(userId, request.Subprotocols) is { } reason
            ? new EventErrorResponse(WebPubSubErrorCode.Unauthorized, reason)
            : new ConnectEventResponse(userId, [], WebPubSubProtocol.Subprotocol, []);
    }

    /// <summary>Records the client online and sends it the tasks it may have missed.</summary>
    [Function("hub-connected")]
    public async Task ConnectedAsync([WebPubSubTrigger(Hub, WebPubSubEventType.System, "connected")] ConnectedEventRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var clientId = request.ConnectionContext.UserId;
        foreach (var message in await events.ConnectedAsync(clientId, context.CancellationToken))
        {
            await hub.SendToClientAsync(clientId, message, context.CancellationToken);
        }
    }

    /// <summary>Records the client offline.</summary>
    [Function("hub-disconnected")]
    public Task DisconnectedAsync([WebPubSubTrigger(Hub, WebPubSubEventType.System, "disconnected")] DisconnectedEventRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return events.DisconnectedAsync(request.ConnectionContext.UserId, context.CancellationToken);
    }

    /// <summary>An update report.</summary>
    [Function("hub-update")]
    public Task<UserEventResponse> UpdateAsync([WebPubSubTrigger(Hub, WebPubSubEventType.User, ClientEvents.Update)] UserEventRequest request, FunctionContext context) =>
        HandleAsync(ClientEvents.Update, request, context);

    /// <summary>A validation report.</summary>
    [Function("hub-validation")]
    public Task<UserEventResponse> ValidationAsync([WebPubSubTrigger(Hub, WebPubSubEventType.User, ClientEvents.Validation)] UserEventRequest request, FunctionContext context) =>
        HandleAsync(ClientEvents.Validation, request, context);

    /// <summary>A task the client could not do.</summary>
    [Function("hub-failed")]
    public Task<UserEventResponse> FailedAsync([WebPubSubTrigger(Hub, WebPubSubEventType.User, ClientEvents.Failed)] UserEventRequest request, FunctionContext context) =>
        HandleAsync(ClientEvents.Failed, request, context);

    /// <summary>A heartbeat.</summary>
    [Function("hub-heartbeat")]
    public Task<UserEventResponse> HeartbeatAsync([WebPubSubTrigger(Hub, WebPubSubEventType.User, ClientEvents.Heartbeat)] UserEventRequest request, FunctionContext context) =>
        HandleAsync(ClientEvents.Heartbeat, request, context);

    private async Task<UserEventResponse> HandleAsync(string eventName, UserEventRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        // An event without data is answered by the processor with a refused receipt, as on the local hub.
        var data = request.Data?.ToMemory() ?? ReadOnlyMemory<byte>.Empty;
        var reply = await events.HandleEventAsync(request.ConnectionContext.UserId, eventName, data, context.CancellationToken);
        return reply is null
            ? new UserEventResponse()
            : new UserEventResponse(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(reply, FedNJson.Options)), WebPubSubDataType.Json);
    }
}
