using System.Diagnostics;
using System.Globalization;
using FedN.Storage.Metadata;

namespace FedN.Hosting;

/// <summary>One part a host needs to do its work, and a read that shows it answers.</summary>
/// <param name="Part">What it is, for people ("blob store").</param>
/// <param name="Probe">A read that succeeds when the part answers; it must not write.</param>
public sealed record ReadinessCheck(string Part, Func<CancellationToken, Task> Probe);

/// <summary>What a readiness probe found: one line per part, <c>part: ok</c> or why not.</summary>
/// <param name="Lines">The parts' lines, in the order they were checked.</param>
/// <param name="IsReady">Whether every part answered.</param>
public sealed record ReadinessReport(IReadOnlyList<string> Lines, bool IsReady)
{
    /// <summary>The lines as the body of a <c>/readyz</c> response.</summary>
    public string ToText() => string.Join('\n', Lines) + "\n";
}

/// <summary>
/// <c>/readyz</c> for every host: runs its checks together, each within <see cref="Timeout"/>, and
/// names the parts that failed with the error (store adapters put no secret in their messages). The
/// store checks read a missing blob, queue and document, so a load balancer may probe as often as it
/// likes without writing anything.
/// </summary>
public static class ReadinessProbe
{
    /// <summary>How long each part has to answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The name the store reads look for; nothing by that name is ever written.</summary>
    public const string ProbeName = "readiness-probe";

    /// <summary>Reads of the blob, queue and metadata stores.</summary>
    public static IReadOnlyList<ReadinessCheck> StoreChecks(FedNStores stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        return
        [
            new("blob store", token => stores.Blobs.GetPropertiesAsync($"{ProbeName}/absent", token)),
            new("queue store", token => stores.Queues.ReceiveAsync(ProbeName, 1, TimeSpan.FromSeconds(1), token)),
            new("metadata store", token => stores.Metadata.ReadAsync(MetadataContainers.Sessions, new MetadataKey(ProbeName, ProbeName), token)),
        ];
    }

    /// <summary>Runs <paramref name="checks"/> at once; <paramref name="known"/> are lines found without probing (a background part's state).</summary>
    public static async Task<ReadinessReport> RunAsync(IEnumerable<ReadinessCheck> checks, CancellationToken cancellationToken, params (string Part, string? Problem)[] known)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var probed = await Task.WhenAll(checks.Select(check => ProbeAsync(check, cancellationToken)));
        var results = known.Concat(probed).ToList();
        return new ReadinessReport([.. results.Select(result => $"{result.Part}: {result.Problem ?? "ok"}")], results.All(result => result.Problem is null));
    }

    private static async Task<(string Part, string? Problem)> ProbeAsync(ReadinessCheck check, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(Timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            await check.Probe(timeout.Token);
            return (check.Part, null);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return (check.Part, string.Create(CultureInfo.InvariantCulture, $"no answer within {Timeout.TotalSeconds:0} s"));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return (check.Part, string.Create(CultureInfo.InvariantCulture, $"{error.GetType().Name}: {error.Message} (after {watch.ElapsedMilliseconds} ms)"));
        }
    }
}
