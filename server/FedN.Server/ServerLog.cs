using Microsoft.Extensions.Logging;

namespace FedN.Server;

/// <summary>The server's own log lines.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "FedN local server: {Stores}")]
    public static partial void LocalServerReady(this ILogger logger, string stores);

    [LoggerMessage(5, LogLevel.Information, "Reducer: {Engine}")]
    public static partial void ReducerEngineChosen(this ILogger logger, string engine);

    [LoggerMessage(6, LogLevel.Warning, "This node's heartbeat or deliveries failed; it tries again shortly")]
    public static partial void NodePassFailed(this ILogger logger, Exception error);

    [LoggerMessage(7, LogLevel.Warning, "A message on this node's delivery queue {Queue} is not a delivery; it was dropped")]
    public static partial void NodeDeliveryUnreadable(this ILogger logger, string queue);

    [LoggerMessage(3, LogLevel.Information, "Dashboard: {Url} (sign in with an admin token: ./fedn token create --role admin)")]
    public static partial void DashboardReady(this ILogger logger, Uri url);

    [LoggerMessage(4, LogLevel.Warning, "{Problem}")]
    public static partial void DashboardNotBuilt(this ILogger logger, string problem);

    [LoggerMessage(2, LogLevel.Warning, "The liveness sweep failed; it runs again shortly")]
    public static partial void LivenessSweepFailed(this ILogger logger, Exception error);
}
