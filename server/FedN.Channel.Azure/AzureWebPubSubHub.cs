using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Messaging.WebPubSub;
using FedN.Contracts;
using FedN.Contracts.Messaging;
using FedN.Core;

namespace FedN.Channel.Azure;

/// <summary>
/// The client hub on Azure Web PubSub: messages go out through the service's REST API as JSON, so
/// clients receive them exactly as from the local hub (<c>{"type":"message","from":"server","dataType":"json",...}</c>),
/// and connection URLs come from the service. Client events reach <see cref="ClientEventProcessor"/>
/// through the Functions app's Web PubSub triggers.
/// </summary>
public sealed class AzureWebPubSubHub(WebPubSubServiceClient service) : IClientHub
{
    /// <inheritdoc />
    public Task SendToClientAsync(string clientId, ServerMessage message, CancellationToken cancellationToken = default) =>
        service.SendToUserAsync(clientId, Content(message), ContentType.ApplicationJson, context: Context(cancellationToken));

    /// <inheritdoc />
    public Task SendToGroupAsync(string group, ServerMessage message, CancellationToken cancellationToken = default) =>
        service.SendToGroupAsync(group, Content(message), ContentType.ApplicationJson, context: Context(cancellationToken));

    /// <inheritdoc />
    public Task SendToAllAsync(ServerMessage message, CancellationToken cancellationToken = default) =>
        service.SendToAllAsync(Content(message), ContentType.ApplicationJson, context: Context(cancellationToken));

    /// <inheritdoc />
    public Task AddClientToGroupAsync(string clientId, string group, CancellationToken cancellationToken = default) =>
        service.AddUserToGroupAsync(group, clientId, Context(cancellationToken));

    /// <inheritdoc />
    public Task RemoveClientFromGroupAsync(string clientId, string group, CancellationToken cancellationToken = default) =>
        service.RemoveUserFromGroupAsync(group, clientId, Context(cancellationToken));

    /// <inheritdoc />
    /// <remarks>The service has its own address; <paramref name="serverBaseUri"/> is not used.</remarks>
    /// <remarks>Azure Web PubSub checks its own tokens, so <paramref name="grantingTokenId"/> is not carried: a revoked token cannot negotiate again, and a URL it got stays valid for its lifetime.</remarks>
    public Task<Uri> GetClientAccessUriAsync(string clientId, Uri serverBaseUri, TimeSpan lifetime, string? grantingTokenId = null, CancellationToken cancellationToken = default) =>
        service.GetClientAccessUriAsync(lifetime, clientId, roles: null, groups: null, WebPubSubClientProtocol.Default, cancellationToken);

    /// <summary>
    /// Asks the service whether <paramref name="userId"/> has a connection: a read that shows the
    /// service answers and the app's credentials are accepted (a readiness probe's check).
    /// </summary>
    public Task ProbeAsync(string userId, CancellationToken cancellationToken = default) =>
        service.UserExistsAsync(userId, Context(cancellationToken));

    private static RequestContent Content(ServerMessage message) => RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(message, FedNJson.Options));

    private static RequestContext Context(CancellationToken cancellationToken) => new() { CancellationToken = cancellationToken };
}
