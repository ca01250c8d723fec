using Microsoft.Extensions.Logging;

namespace FedN.Channel.Local;

/// <summary>The local hub's log lines (source-generated; ids continue the channel's). Tokens are never logged.</summary>
internal static partial class LocalHubLog
{
    [LoggerMessage(6, LogLevel.Information, "Refused a hub connection from {Remote}: {Reason}")]
    public static partial void ConnectionRefused(this ILogger logger, string? remote, string reason);

    [LoggerMessage(7, LogLevel.Error, "Event {Event} from client {ClientId} failed")]
    public static partial void EventFailed(this ILogger logger, Exception error, string clientId, string @event);

    [LoggerMessage(8, LogLevel.Error, "Recording that client {ClientId} {What} failed")]
    public static partial void PresenceFailed(this ILogger logger, Exception error, string clientId, string what);
}
