namespace FedN.Contracts.Messaging;

/// <summary>Names from the Azure Web PubSub client protocol (subprotocol <see cref="Subprotocol"/>) that FedN's hub and clients use (docs/protocol.md).</summary>
public static class WebPubSubProtocol
{
    /// <summary>The WebSocket subprotocol: JSON frames with joinGroup, leaveGroup, sendToGroup, event, ack and message.</summary>
    public const string Subprotocol = "json.webpubsub.azure.v1";

    /// <summary>FedN's hub.</summary>
    public const string DefaultHub = "fedn";

    /// <summary>The query parameter that carries the client access token.</summary>
    public const string AccessTokenParameter = "access_token";

    /// <summary>Role claim: join and leave any group; with <c>.&lt;group&gt;</c>, only that group.</summary>
    public const string JoinLeaveGroupRole = "webpubsub.joinLeaveGroup";

    /// <summary>Role claim: send to any group; with <c>.&lt;group&gt;</c>, only that group.</summary>
    public const string SendToGroupRole = "webpubsub.sendToGroup";

    /// <summary>Token claim with the groups a connection joins when it opens.</summary>
    public const string GroupClaim = "webpubsub.group";

    /// <summary>Ack error: the connection lacks the role for the request.</summary>
    public const string ForbiddenError = "Forbidden";

    /// <summary>Ack error: the ackId was already used on this connection.</summary>
    public const string DuplicateError = "Duplicate";

    /// <summary>Ack error: the request could not be handled.</summary>
    public const string InternalServerError = "InternalServerError";

    /// <summary>Ack error (FedN's local hub): the request is not one the protocol defines, or lacks a field.</summary>
    public const string BadRequestError = "BadRequest";

    /// <summary>Ack error (FedN's local hub): the connection sent more requests than its rate allows.</summary>
    public const string TooManyRequestsError = "TooManyRequests";

    /// <summary>The path of hub <paramref name="hub"/>: <c>/client/hubs/{hub}</c>.</summary>
    public static string HubPath(string hub) => $"/client/hubs/{hub}";
}
