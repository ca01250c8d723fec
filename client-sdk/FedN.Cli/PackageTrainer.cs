using System.Collections.Concurrent;
using FedN.Client;
using FedN.Contracts.Messaging;
using FedN.Core.Packages;
using Microsoft.Extensions.Logging;

namespace FedN.Cli;

/// <summary>
/// Runs the compute package each task names: fetches its archive over the task's scoped URL,
/// checks it against the task's package id (and, with pinned keys, its signature) while unpacking
/// it into a directory of its own, and only then runs its entry points through
/// <see cref="ProcessTrainer"/>. A package is fetched and checked once per process: a directory
/// left by an earlier run is checked again, not trusted, since the keys pinned may have changed.
/// </summary>
/// <param name="packagesDirectory">Where packages are unpacked, one directory per id.</param>
/// <param name="trustedKeys">Keys one of which must have signed a package; any package whose id matches its task when empty.</param>
/// <param name="logger">The client's log.</param>
/// <param name="environment">Environment variables for the package's programs (for example where this site's data is).</param>
/// <param name="limits">How large a package may be.</param>
internal sealed class PackageTrainer(string packagesDirectory, IReadOnlyCollection<PackageKey> trustedKeys, ILogger logger, IReadOnlyDictionary<string, string>? environment = null, PackageLimits? limits = null) : ITrainer, IDisposable
{
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(30);

    private readonly HttpClient _http = new() { Timeout = DownloadTimeout };
    private readonly ConcurrentDictionary<string, Lazy<Task<ProcessTrainer>>> _trainers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await (await TrainerForAsync(request.Task)).TrainAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await (await TrainerForAsync(request.Task)).ValidateAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<ProcessTrainer> TrainerForAsync(ClientTask task)
    {
        if (task.PackageId is not { } id || task.PackageUrl is not { } url)
        {
            throw new TrainerException($"session '{task.SessionId}' names no compute package, and this client has no trainer of its own: start the session with --package, or the client with --trainer");
        }

        if (id.Length != 64 || !id.All(char.IsAsciiHexDigitLower))
        {
            throw new TrainerException("the task's package id is not a SHA-256; refusing it");
        }

        // One fetch per package however many tasks ask at once; a failed one is tried again by the next task.
        var lazy = _trainers.GetOrAdd(id, _ => new Lazy<Task<ProcessTrainer>>(() => FetchAsync(id, url)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _trainers.TryRemove(new KeyValuePair<string, Lazy<Task<ProcessTrainer>>>(id, lazy));
            throw;
        }
    }

    private async Task<ProcessTrainer> FetchAsync(string id, Uri url)
    {
        var directory = Path.Combine(packagesDirectory, id);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(packagesDirectory);
        PackageInfo package;
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                throw new TrainerException($"package {Short(id)} could not be fetched: HTTP {(int)response.StatusCode}");
            }

            await using var archive = await response.Content.ReadAsStreamAsync();
            package = await PackageReader.ReadAsync(archive, new PackageReadOptions
            {
                ExpectedId = id,
                TrustedKeys = trustedKeys,
                Limits = limits ?? PackageLimits.Default,
                ExtractTo = directory,
            });
        }
        catch (PackageException refused)
        {
            logger.PackageRefused(Short(id), refused.Message);
            throw new TrainerException($"package {Short(id)} refused: {refused.Message}");
        }
        catch (HttpRequestException failed)
        {
            throw new TrainerException($"package {Short(id)} could not be fetched: {failed.Message}");
        }

        logger.PackageReady(Short(id), package.Manifest.Name, directory,
            package.SignatureVerified ? $"signed by trusted key {package.SignedBy}" : package.SignedBy is null ? "unsigned" : $"signed by {package.SignedBy}, not checked");
        var entryPoints = package.Manifest.EntryPoints;
        ProcessTrainer trainer;
        try
        {
            trainer = ProcessTrainer.ForEntryPoints(entryPoints[PackageEntryPoints.Train], entryPoints[PackageEntryPoints.Validate], directory, environment);
        }
        catch (ArgumentException unusable)
        {
            throw new TrainerException($"package {Short(id)} cannot run here: {unusable.Message}");
        }

        trainer.EnsureStartable();
        return trainer;
    }

    private static string Short(string id) => id[..12];
}
