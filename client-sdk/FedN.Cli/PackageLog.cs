using Microsoft.Extensions.Logging;

namespace FedN.Cli;

/// <summary>The log lines of a client that runs compute packages.</summary>
internal static partial class PackageLog
{
    [LoggerMessage(101, LogLevel.Error, "Refused package {Package}: {Reason}")]
    public static partial void PackageRefused(this ILogger logger, string package, string reason);

    [LoggerMessage(102, LogLevel.Information, "Package {Package} '{Name}' checked and unpacked into {Directory} ({Signature})")]
    public static partial void PackageReady(this ILogger logger, string package, string name, string directory, string signature);

    [LoggerMessage(103, LogLevel.Warning, "Running the compute package each session names, checked against its task's id but not for a signature: pin the publisher's key with --trust")]
    public static partial void PackagesUnpinned(this ILogger logger);
}
