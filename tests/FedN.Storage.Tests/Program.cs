using FedN.Storage.Embedded;
using FedN.Storage.Metadata;

namespace FedN.Storage.Tests;

/// <summary>
/// The test assembly's entry point. Test runners never call it; tests start it as a separate
/// process (<see cref="SqlitePeer"/>) to act as a second server sharing a data directory.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["sqlite-peer", var path, var countText])
        {
            await SqlitePeer.RunAsync(path, int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture));
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: FedN.Storage.Tests sqlite-peer DATABASE COUNT");
        return 2;
    }
}

/// <summary>A second process on the embedded database: counts updates on round s/1 and enqueues notices, interleaved.</summary>
internal static class SqlitePeer
{
    public const string Queue = "fedn-peer-intake";

    public static async Task RunAsync(string path, int count)
    {
        using var metadataStore = await SqliteMetadataStore.OpenAsync(path);
        using var queues = await SqliteQueueStore.OpenAsync(path);
        var rounds = new FederationMetadata(metadataStore).Rounds;
        for (var i = 0; i < count; i++)
        {
            await rounds.CountUpdatesAsync("s", 1, received: 1);
            await queues.EnqueueAsync(Queue, $"{Environment.ProcessId}:{i}");
        }
    }

    /// <summary>Starts this assembly as a peer process.</summary>
    public static System.Diagnostics.Process Start(string path, int count)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { typeof(SqlitePeer).Assembly.Location, "sqlite-peer", path, count.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return System.Diagnostics.Process.Start(start)!;
    }
}
