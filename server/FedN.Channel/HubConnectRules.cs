using FedN.Contracts.Messaging;

namespace FedN.Channel;

/// <summary>
/// What a client connection must bring beyond a valid access token: a user id (the client id) and
/// FedN's subprotocol. On Azure, where the service checks the token, the Functions app's <c>connect</c>
/// trigger applies them; the local hub enforces the same before the upgrade, in its subprotocol check
/// (400) and its token check (<see cref="HubAccessTokens.ValidateAsync"/>, 401 without a <c>sub</c>).
/// </summary>
public static class HubConnectRules
{
    /// <summary>Why the connection is refused, or <see langword="null"/> when it may connect.</summary>
    public static string? Refusal(string? userId, IEnumerable<string>? subprotocols)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            return "the access token has no user id: get the connection URL from POST /api/v1/clients/connect with a client token";
        }

        return subprotocols?.Contains(WebPubSubProtocol.Subprotocol, StringComparer.Ordinal) == true
            ? null
            : $"connect with WebSocket subprotocol {WebPubSubProtocol.Subprotocol}: FedN's tasks and events use it";
    }
}
