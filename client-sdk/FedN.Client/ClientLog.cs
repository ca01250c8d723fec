using Microsoft.Extensions.Logging;

namespace FedN.Client;

/// <summary>The client's log lines. Tokens, and URLs that carry them, are never logged.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected as {ClientId} (connection {ConnectionId})")]
    public static partial void ClientConnected(this ILogger logger, string clientId, string connectionId);

    [LoggerMessage(2, LogLevel.Warning, "Disconnected: {Reason}; reconnecting")]
    public static partial void ClientDisconnected(this ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Could not connect: {Reason}; retrying")]
    public static partial void ConnectFailed(this ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Error, "The server refused this client's token: {Reason}")]
    public static partial void TokenRefused(this ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Information, "Task {TaskId}: {Kind} round {Round}")]
    public static partial void TaskReceived(this ILogger logger, string taskId, string kind, int round);

    [LoggerMessage(6, LogLevel.Error, "Task {TaskId} failed: {Reason}")]
    public static partial void TaskFailed(this ILogger logger, string taskId, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Task {TaskId} skipped: {Reason}")]
    public static partial void TaskSkipped(this ILogger logger, string taskId, string reason);

    [LoggerMessage(8, LogLevel.Information, "Task {TaskId}: the update was already uploaded (before a reconnect)")]
    public static partial void UpdateAlreadyUploaded(this ILogger logger, string taskId);

    [LoggerMessage(10, LogLevel.Warning, "Model transfer failed: {Reason}; retrying")]
    public static partial void TransferRetry(this ILogger logger, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Task {TaskId}: metric {Metric} is {Value}, not a finite number; it is left out of the report")]
    public static partial void MetricDropped(this ILogger logger, string taskId, string metric, double value);

    [LoggerMessage(9, LogLevel.Information, "Task {TaskId}: {Event} {Outcome}")]
    public static partial void Reported(this ILogger logger, string taskId, string @event, string outcome);
}
