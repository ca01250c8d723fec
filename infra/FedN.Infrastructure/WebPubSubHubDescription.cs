using FedN.Contracts.Messaging;

namespace FedN.Infrastructure;

/// <summary>
/// FedN's Web PubSub hub: its name, and the one event handler that sends its events to the
/// Functions app's Web PubSub extension endpoint.
/// </summary>
public sealed record WebPubSubHubDescription
{
    /// <summary>Where the Functions host receives Web PubSub events.</summary>
    public const string HandlerPath = "/runtime/webhooks/webpubsub";

    /// <summary>The Functions system key the Web PubSub extension creates when the app first starts; the handler URL carries it.</summary>
    public const string ExtensionKeyName = "webpubsub_extension";

    /// <summary>The hub clients connect to and the app's triggers listen on.</summary>
    public string Name { get; init; } = WebPubSubProtocol.DefaultHub;

    /// <summary>Clients connect with a token the API issued, never anonymously.</summary>
    public string AnonymousConnectPolicy { get; init; } = "deny";

    /// <summary>The system events the app handles (connect checks, connected, disconnected).</summary>
    public IReadOnlyList<string> SystemEvents { get; init; } = ["connect", "connected", "disconnected"];

    /// <summary>The user events forwarded: exactly those the app has triggers for, so no other event costs an invocation.</summary>
    public string UserEventPattern { get; init; } = string.Join(",", ClientEvents.All);

    /// <summary>The handler URL for the app at <paramref name="appHostName"/> with its extension key.</summary>
    public static string EventHandlerUrl(string appHostName, string extensionKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appHostName);
        ArgumentException.ThrowIfNullOrWhiteSpace(extensionKey);
        return $"https://{appHostName}{HandlerPath}?code={Uri.EscapeDataString(extensionKey)}";
    }
}
