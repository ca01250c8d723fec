using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using FedN.Contracts;

namespace FedN.Core.Packages;

/// <summary>What <see cref="PackageReader.ReadAsync"/> checks and where it unpacks.</summary>
public sealed record PackageReadOptions
{
    /// <summary>The id the package must have (the session's); any package when null.</summary>
    public string? ExpectedId { get; init; }

    /// <summary>Keys one of which must have signed the package; when empty, unsigned packages are accepted too.</summary>
    public IReadOnlyCollection<PackageKey> TrustedKeys { get; init; } = [];

    /// <summary>How large the package may be.</summary>
    public PackageLimits Limits { get; init; } = PackageLimits.Default;

    /// <summary>
    /// Where to unpack the files: a directory that must not exist yet; it appears, complete, only
    /// once every check has passed. Nothing is written when null (the check alone).
    /// </summary>
    public string? ExtractTo { get; init; }
}

/// <summary>
/// Reads a compute package in one pass and refuses it, with the reason, unless everything holds:
/// the manifest comes first, parses and hashes to the expected id; the signature is by a trusted key
/// when keys are pinned; every entry is a regular file (no links or devices) with a safe relative
/// path, listed once in the manifest, with its size and SHA-256; no file is missing; and the archive
/// stays inside <see cref="PackageLimits"/>. Files are unpacked into a hidden sibling directory
/// and moved into place only at the end, so nothing of a refused package is ever run.
/// </summary>
public static class PackageReader
{
    /// <summary>Checks (and unpacks) the package in <paramref name="archive"/>.</summary>
    /// <exception cref="PackageException">The package is refused; the message says why.</exception>
    public static async Task<PackageInfo> ReadAsync(Stream archive, PackageReadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Limits;
        string? staging = null;
        if (options.ExtractTo is { } target)
        {
            if (Directory.Exists(target))
            {
                throw new PackageException($"'{target}' exists already: a package unpacks into a new directory");
            }

            staging = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
            Directory.CreateDirectory(staging);
        }

        try
        {
            var package = await ReadEntriesAsync(new BoundedReadStream(archive, limits.MaxArchiveBytes), options, staging, cancellationToken);
            if (staging is not null)
            {
                Directory.Move(staging, options.ExtractTo!);
                staging = null;
            }

            return package;
        }
        catch (InvalidDataException e)
        {
            throw new PackageException($"not a compute package (a gzip'd tar archive, as 'fedn package create' writes): {e.Message}");
        }
        catch (EndOfStreamException)
        {
            throw new PackageException("the package archive is truncated");
        }
        finally
        {
            if (staging is not null && Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Why <paramref name="manifest"/> is not a valid one within <paramref name="limits"/>, or <see langword="null"/>.</summary>
    public static string? FindProblem(PackageManifest manifest, PackageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(limits);
        if (manifest.Format != PackageManifest.CurrentFormat)
        {
            return $"the package has format {manifest.Format}; this FedN reads format {PackageManifest.CurrentFormat}";
        }

        if (string.IsNullOrWhiteSpace(manifest.Name) || manifest.Name.Length > 200 || manifest.Name.Any(char.IsControl))
        {
            return "the package needs a name of 1 to 200 printable characters";
        }

        foreach (var entryPoint in PackageEntryPoints.Required)
        {
            if (manifest.EntryPoints is null || !manifest.EntryPoints.TryGetValue(entryPoint, out var command) || command is null || command.Count == 0 || command.Any(string.IsNullOrEmpty))
            {
                return $"the package has no '{entryPoint}' entry point (give one with --entry {entryPoint}=\"python3 {entryPoint}.py\")";
            }
        }

        if (manifest.EntryPoints!.Count > 16 || manifest.EntryPoints.Values.Any(command => command.Count > 64 || command.Sum(part => part.Length) > 4096))
        {
            return "the package's entry points are too many or too long (16 entry points of 64 arguments and 4,096 characters at most)";
        }

        if (manifest.Files is null || manifest.Files.Count > limits.MaxFiles)
        {
            return $"the package lists more than {limits.MaxFiles} files";
        }

        // Case-insensitively: two names that differ only by case would collide on macOS and Windows.
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        foreach (var file in manifest.Files)
        {
            if (PackagePaths.FindProblem(file.Path) is { } problem)
            {
                return problem;
            }

            if (file.Path is PackageManifest.EntryName or PackageSignature.EntryName)
            {
                return $"'{file.Path}' is reserved for the package's own manifest and signature";
            }

            if (!paths.Add(file.Path))
            {
                return $"the package lists '{file.Path}' twice (or twice but for case, which would collide on some file systems)";
            }

            if (file.Size < 0 || file.Sha256 is not { Length: 64 } || !file.Sha256.All(char.IsAsciiHexDigitLower))
            {
                return $"the manifest's entry for '{file.Path}' needs a size and a lowercase hex SHA-256";
            }

            total += file.Size;
            if (total > limits.MaxUnpackedBytes)
            {
                return $"the package unpacks to more than {ByteSize.Format(limits.MaxUnpackedBytes)}";
            }
        }

        return null;
    }

    private static async Task<PackageInfo> ReadEntriesAsync(Stream archive, PackageReadOptions options, string? staging, CancellationToken cancellationToken)
    {
        var limits = options.Limits;
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var first = await NextAsync(tar, cancellationToken) ?? throw new PackageException("the package archive is empty");
        if (first.Name != PackageManifest.EntryName || !IsFile(first))
        {
            throw new PackageException($"the package's first entry is '{Shown(first.Name)}', not its manifest '{PackageManifest.EntryName}'");
        }

        var manifestBytes = await ReadSmallAsync(first, limits, cancellationToken);
        var id = Convert.ToHexStringLower(SHA256.HashData(manifestBytes));
        if (options.ExpectedId is { } expected && !string.Equals(expected, id, StringComparison.Ordinal))
        {
            throw new PackageException($"the package is not the one expected: its manifest hashes to {id}, not {expected} (it was replaced or tampered with)");
        }

        PackageManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PackageManifest>(manifestBytes, FedNJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new PackageException($"the package's manifest is not valid: {e.Message}");
        }

        if (FindProblem(manifest, limits) is { } problem)
        {
            throw new PackageException(problem);
        }

        var next = await NextAsync(tar, cancellationToken);
        PackageSignature? signature = null;
        if (next is not null && next.Name == PackageSignature.EntryName && IsFile(next))
        {
            try
            {
                signature = JsonSerializer.Deserialize<PackageSignature>(await ReadSmallAsync(next, limits, cancellationToken), FedNJson.Options);
            }
            catch (JsonException e)
            {
                throw new PackageException($"the package's signature entry is not valid: {e.Message}");
            }

            next = await NextAsync(tar, cancellationToken);
        }

        var verified = CheckSignature(manifestBytes, signature, options.TrustedKeys);
        var expectedFiles = manifest.Files.ToDictionary(file => file.Path, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var entry = next; entry is not null; entry = await NextAsync(tar, cancellationToken))
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                var directoryPath = entry.Name.TrimEnd('/');
                if (staging is not null)
                {
                    Directory.CreateDirectory(PackagePaths.Under(staging, directoryPath));
                }
                else if (PackagePaths.FindProblem(directoryPath) is { } bad)
                {
                    throw new PackageException(bad);
                }

                continue;
            }

            if (!IsFile(entry))
            {
                throw new PackageException($"entry '{Shown(entry.Name)}' is a {entry.EntryType}: a package holds only regular files and directories");
            }

            if (PackagePaths.FindProblem(entry.Name) is { } unsafePath)
            {
                throw new PackageException(unsafePath);
            }

            if (!expectedFiles.TryGetValue(entry.Name, out var listed))
            {
                throw new PackageException($"entry '{Shown(entry.Name)}' is not in the package's manifest (added after the package was made)");
            }

            if (!seen.Add(entry.Name))
            {
                throw new PackageException($"entry '{Shown(entry.Name)}' appears twice in the archive");
            }

            if (entry.Length != listed.Size)
            {
                throw new PackageException($"'{entry.Name}' has {entry.Length} bytes; the manifest says {listed.Size} (tampered with)");
            }

            await ExtractAsync(entry, listed, staging, cancellationToken);
        }

        if (manifest.Files.FirstOrDefault(file => !seen.Contains(file.Path)) is { } missing)
        {
            throw new PackageException($"'{missing.Path}' is in the manifest but not in the archive");
        }

        return new PackageInfo(id, manifest, signature?.KeyId, verified);
    }

    /// <summary>Whether the signature is by a trusted key; refuses the package when keys are pinned and it is not.</summary>
    private static bool CheckSignature(byte[] manifest, PackageSignature? signature, IReadOnlyCollection<PackageKey> trusted)
    {
        if (trusted.Count == 0)
        {
            return false;
        }

        var trustedIds = string.Join(", ", trusted.Select(key => key.Id));
        if (signature is null)
        {
            throw new PackageException($"the package is not signed, and this client runs only packages signed by {trustedIds}");
        }

        if (trusted.FirstOrDefault(key => key.Id == signature.KeyId) is not { } key)
        {
            throw new PackageException($"the package is signed by key {Shown(signature.KeyId ?? "")}, which this client does not trust (it trusts {trustedIds})");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature.Signature ?? "");
        }
        catch (FormatException)
        {
            bytes = [];
        }

        return signature.Algorithm == PackageKey.Algorithm && key.Verify(manifest, bytes)
            ? true
            : throw new PackageException($"the package's signature by key {key.Id} does not verify: its manifest was changed after signing, or the signature was forged");
    }

    private static async Task ExtractAsync(TarEntry entry, PackageFile listed, string? staging, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var destination = staging is null ? null : PackagePaths.Under(staging, entry.Name);
        if (destination is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        }

        await using (var output = destination is null ? Stream.Null : new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            if (entry.DataStream is { } data)
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await data.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
        }

        if (Convert.ToHexStringLower(hash.GetHashAndReset()) != listed.Sha256)
        {
            throw new PackageException($"'{entry.Name}' does not match its SHA-256 in the manifest (tampered with)");
        }

        if (destination is not null && !OperatingSystem.IsWindows())
        {
            // Only the execute bits travel: no set-id bits, nothing writable by others.
            var executable = (entry.Mode & UnixFileMode.UserExecute) != 0;
            File.SetUnixFileMode(destination, executable
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private static async Task<byte[]> ReadSmallAsync(TarEntry entry, PackageLimits limits, CancellationToken cancellationToken)
    {
        if (entry.Length > limits.MaxManifestBytes)
        {
            throw new PackageException($"the package's '{entry.Name}' has {ByteSize.Format(entry.Length)}, more than {ByteSize.Format(limits.MaxManifestBytes)}");
        }

        var bytes = new byte[entry.Length];
        if (entry.DataStream is { } data)
        {
            await data.ReadExactlyAsync(bytes, cancellationToken);
        }

        return bytes;
    }

    private static Task<TarEntry?> NextAsync(TarReader tar, CancellationToken cancellationToken) =>
        tar.GetNextEntryAsync(copyData: false, cancellationToken).AsTask();

    private static bool IsFile(TarEntry entry) => entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    private static string Shown(string name) => name.Length > 120 ? $"{name[..120]}…" : name;

    /// <summary>Reads at most a given number of bytes of a stream, and refuses the package beyond them.</summary>
    private sealed class BoundedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new PackageException($"the package archive is larger than {ByteSize.Format(limit)}") : read;
        }
    }
}
