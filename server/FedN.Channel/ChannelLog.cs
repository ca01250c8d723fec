using Microsoft.Extensions.Logging;

namespace FedN.Channel;

/// <summary>The channel's log lines (source-generated: nothing is formatted when the level is off). Tokens are never logged.</summary>
internal static partial class ChannelLog
{
    [LoggerMessage(1, LogLevel.Information, "Client {ClientId} connected ({OpenTasks} open tasks sent again)")]
    public static partial void ClientConnected(this ILogger logger, string clientId, int openTasks);

    [LoggerMessage(2, LogLevel.Information, "Client {ClientId} disconnected")]
    public static partial void ClientDisconnected(this ILogger logger, string clientId);

    [LoggerMessage(3, LogLevel.Warning, "Client {ClientId} sent unknown event {Event}")]
    public static partial void UnknownEvent(this ILogger logger, string clientId, string @event);

    [LoggerMessage(4, LogLevel.Debug, "Client {ClientId} reported {Event} for task {TaskId}")]
    public static partial void ReportAccepted(this ILogger logger, string clientId, string @event, string? taskId);

    [LoggerMessage(5, LogLevel.Information, "Refused {Event} from client {ClientId} (task {TaskId}): {Reason}")]
    public static partial void ReportRefused(this ILogger logger, string clientId, string @event, string? taskId, string reason);

    [LoggerMessage(9, LogLevel.Information, "Client {ClientId} is offline: not heard from since {LastSeen}")]
    public static partial void ClientSilent(this ILogger logger, string clientId, DateTimeOffset? lastSeen);
}
