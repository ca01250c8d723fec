using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using FedN.Contracts;

namespace FedN.Core.Packages;

/// <summary>
/// Makes a compute package from a directory: a gzip'd tar whose first entry is the manifest, then
/// the signature when a key is given, then every file. Entries carry no owner and a fixed time, so
/// the same directory gives the same package id on any machine.
/// </summary>
public static class PackageBuilder
{
    /// <summary>Directories a package leaves out: version control and Python's byte-code caches.</summary>
    public static IReadOnlyList<string> SkippedDirectories { get; } = [".git", "__pycache__", ".venv", ".mypy_cache", ".pytest_cache"];

    /// <summary>Writes the package of <paramref name="directory"/> to <paramref name="output"/>; returns what it holds.</summary>
    /// <param name="directory">The package's files.</param>
    /// <param name="name">A name for people.</param>
    /// <param name="entryPoints">The command of each of <see cref="PackageEntryPoints.Required"/> (program and arguments).</param>
    /// <param name="output">Where the archive goes.</param>
    /// <param name="signer">Signs the manifest when given (a private key).</param>
    /// <param name="limits">How large the package may be; <see cref="PackageLimits.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="PackageException">The directory, an entry point or a file cannot be packaged; the message says why.</exception>
    public static async Task<PackageInfo> CreateAsync(string directory, string name, IReadOnlyDictionary<string, IReadOnlyList<string>> entryPoints, Stream output, PackageKey? signer = null, PackageLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        limits ??= PackageLimits.Default;
        if (!Directory.Exists(directory))
        {
            throw new PackageException($"package directory '{directory}' does not exist");
        }

        var root = Path.GetFullPath(directory);
        var files = new List<(PackageFile File, string FullPath, bool Executable)>();
        long total = 0;
        foreach (var path in Walk(root))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (PackagePaths.FindProblem(relative) is { } problem)
            {
                throw new PackageException(problem);
            }

            var info = new FileInfo(path);
            total += info.Length;
            if (files.Count >= limits.MaxFiles || total > limits.MaxUnpackedBytes)
            {
                throw new PackageException($"'{directory}' holds more than a package may ({limits.MaxFiles} files, {ByteSize.Format(limits.MaxUnpackedBytes)})");
            }

            await using var content = File.OpenRead(path);
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
            var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
            files.Add((new PackageFile(relative, info.Length, sha), path, executable));
        }

        var manifest = new PackageManifest { Name = name, EntryPoints = entryPoints, Files = [.. files.Select(file => file.File)] };
        if (PackageReader.FindProblem(manifest, limits) is { } invalid)
        {
            throw new PackageException(invalid);
        }

        var manifestBytes = manifest.ToBytes();
        var id = Convert.ToHexStringLower(SHA256.HashData(manifestBytes));
        PackageSignature? signature = signer is null ? null : new PackageSignature(signer.Id, PackageKey.Algorithm, Convert.ToBase64String(signer.Sign(manifestBytes)));
        await using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            await WriteAsync(tar, PackageManifest.EntryName, new MemoryStream(manifestBytes), executable: false, cancellationToken);
            if (signature is not null)
            {
                await WriteAsync(tar, PackageSignature.EntryName, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(signature, FedNJson.Options)), executable: false, cancellationToken);
            }

            foreach (var (file, fullPath, executable) in files)
            {
                await using var content = File.OpenRead(fullPath);
                await WriteAsync(tar, file.Path, content, executable, cancellationToken);
            }
        }

        return new PackageInfo(id, manifest, signature?.KeyId, SignatureVerified: signer is not null);
    }

    private static async Task WriteAsync(TarWriter tar, string name, Stream content, bool executable, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = content,
            ModificationTime = DateTimeOffset.UnixEpoch,
            Mode = executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }

    /// <summary>The directory's files in ordinal order, without <see cref="SkippedDirectories"/>; a link is refused, not followed.</summary>
    private static IEnumerable<string> Walk(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is not null)
            {
                throw new PackageException($"'{entry}' is a symbolic link: a package holds only regular files (copy what it points to instead)");
            }

            if ((info.Attributes & FileAttributes.Directory) != 0)
            {
                if (SkippedDirectories.Contains(info.Name, StringComparer.Ordinal))
                {
                    continue;
                }

                foreach (var file in Walk(entry))
                {
                    yield return file;
                }
            }
            else
            {
                yield return entry;
            }
        }
    }
}

/// <summary>A package as read or made.</summary>
/// <param name="Id">The SHA-256 of its manifest (lowercase hex): what a session names and a client checks.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="SignedBy">The key id its signature names, or <see langword="null"/> when unsigned.</param>
/// <param name="SignatureVerified">Whether that signature was checked against a trusted key.</param>
public sealed record PackageInfo(string Id, PackageManifest Manifest, string? SignedBy, bool SignatureVerified);
