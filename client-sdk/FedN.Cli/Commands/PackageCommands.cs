using System.CommandLine;
using System.Globalization;
using FedN.Contracts;
using FedN.Core.IO;
using FedN.Core.Packages;

namespace FedN.Cli.Commands;

/// <summary><c>fedn package keygen|create|verify|upload|list|delete</c>: compute packages, the code a session's clients run.</summary>
internal static class PackageCommands
{
    public static Command Create() => new("package", "Make, sign, check and upload compute packages: the train and validate code every client of a session runs (docs/packages.md).")
    {
        Keygen(),
        CreatePackage(),
        Verify(),
        Upload(),
        List(),
        DeleteCommand.Create("package", "Delete a package (refused while a session that has not ended runs it).", (api, id, ct) => api.DeletePackageAsync(id, ct)),
    };

    private static Command Keygen()
    {
        var output = new Option<string>("--out") { Description = "The private key file to write (PEM); the public key goes beside it as <out>.pub.", Required = true };
        var command = new Command("keygen", "Make a key pair for signing packages (ECDSA P-256). Keep the private key with whoever publishes packages; give clients the .pub file for --trust.") { output };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var path = parse.GetValue(output)!;
            if (File.Exists(path))
            {
                throw new CliFailure($"'{path}' exists already; a key is never overwritten");
            }

            using var key = PackageKey.Generate();
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                await using var writer = new StreamWriter(file);
                await writer.WriteAsync(key.ExportPrivatePem());
            }

            await File.WriteAllTextAsync(path + ".pub", key.ExportPublicPem(), ct);
            await Console.Out.WriteLineAsync($"key {key.Id}: private {path}, public {path}.pub");
        }));
        return command;
    }

    private static Command CreatePackage()
    {
        var directory = new Argument<string>("directory") { Description = "The package's files (.git, __pycache__ and virtual environments are left out)." };
        var entries = new Option<string[]>("--entry") { Description = "An entry point as NAME=COMMAND, run in the unpacked directory with the task's files appended: --entry train=\"python3 train.py\" --entry validate=\"python3 validate.py\". Both are required.", Required = true, AllowMultipleArgumentsPerToken = false };
        var name = new Option<string?>("--name") { Description = "A name for people (the directory's name when absent)." };
        var output = new Option<string?>("--out") { Description = "The archive to write (<name>.fedn.tar.gz when absent)." };
        var sign = new Option<string?>("--sign") { Description = "Sign the package with this private key (fedn package keygen)." };
        var command = new Command("create", "Make a compute package from a directory: a tar.gz whose manifest lists every file's SHA-256; its id is the manifest's SHA-256.") { directory, entries, name, output, sign };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var source = parse.GetValue(directory)!;
            var packageName = parse.GetValue(name) ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)));
            var entryPoints = ParseEntries(parse.GetValue(entries) ?? []);
            using var signer = parse.GetValue(sign) is { } keyFile ? PackageKey.FromFile(keyFile) : null;
            if (signer is { HasPrivateKey: false })
            {
                throw new CliFailure($"'{parse.GetValue(sign)}' is a public key; sign with the private key file");
            }

            var path = parse.GetValue(output) ?? $"{packageName}.fedn.tar.gz";
            PackageInfo package;
            await using (var file = AtomicFile.Create(path))
            {
                package = await PackageBuilder.CreateAsync(source, packageName, entryPoints, file.Stream, signer, cancellationToken: ct);
                await file.CommitAsync(ct);
            }

            await Console.Out.WriteLineAsync(Describe(path, package));
        }));
        return command;
    }

    private static Command Verify()
    {
        var archive = new Argument<string>("archive") { Description = "A package archive." };
        var trust = TrustOption();
        var id = new Option<string?>("--id") { Description = "The id it must have." };
        var command = new Command("verify", "Check a package as a client would before running it: manifest, every file's hash, paths, sizes and, with --trust, its signature.") { archive, trust, id };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var keys = ReadTrustedKeys(parse.GetValue(trust));
            try
            {
                var path = parse.GetValue(archive)!;
                await using var file = File.OpenRead(path);
                var package = await PackageReader.ReadAsync(file, new PackageReadOptions { ExpectedId = parse.GetValue(id), TrustedKeys = keys }, ct);
                await Console.Out.WriteLineAsync(Describe(path, package));
            }
            finally
            {
                Dispose(keys);
            }
        }));
        return command;
    }

    private static Command Upload()
    {
        var server = new ServerOptions();
        var archive = new Argument<string>("archive") { Description = "A package archive (fedn package create)." };
        var command = server.AddTo(new Command("upload", "Upload a package; the server checks it whole. Name its id in 'fedn session start --package'.") { archive });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var path = parse.GetValue(archive)!;
            await using (var check = File.OpenRead(path))
            {
                // Checked here too, so a bad archive fails before it is sent.
                await PackageReader.ReadAsync(check, new PackageReadOptions(), ct);
            }

            using var api = server.Api(parse);
            await using var content = File.OpenRead(path);
            var bar = new ProgressBar("upload", content.Length);
            var package = await api.UploadPackageAsync(content, bar, ct);
            bar.Complete();
            await server.PrintAsync(parse, package, p => $"{p.Id} {p.Name} ({ByteSize.Format(p.SizeBytes)}, {p.Files} files{(p.SignedBy is null ? ", unsigned" : $", signed by {p.SignedBy}")})" + Environment.NewLine);
        }));
        return command;
    }

    private static Command List()
    {
        var server = new ServerOptions();
        var command = server.AddTo(new Command("list", "List the server's packages."));
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            var packages = await Pages.AllAsync(token => api.ListPackagesAsync(continuationToken: token, cancellationToken: ct));
            await server.PrintAsync(parse, packages, all => Table.Render(["id", "name", "files", "bytes", "signed by", "uploaded"],
                all.Select(p => new[] { p.Id, p.Name, p.Files.ToString(CultureInfo.InvariantCulture), p.SizeBytes.ToString("N0", CultureInfo.InvariantCulture), p.SignedBy ?? "unsigned", Table.Time(p.UploadedAt) })));
        }));
        return command;
    }

    /// <summary>The <c>--trust</c> option, shared with <c>fedn client run</c>.</summary>
    public static Option<string[]> TrustOption() => new("--trust")
    {
        Description = "Run only packages signed by this public key (a .pub file from fedn package keygen; repeat for several). Without it any package whose hash matches its task is run.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The keys of <c>--trust</c>.</summary>
    /// <exception cref="CliFailure">A file is missing or holds no key.</exception>
    public static List<PackageKey> ReadTrustedKeys(string[]? files)
    {
        List<PackageKey> keys = [];
        try
        {
            keys.AddRange((files ?? []).Select(PackageKey.FromFile));
        }
        catch (PackageException bad)
        {
            Dispose(keys);
            throw new CliFailure($"--trust: {bad.Message}");
        }

        return keys;
    }

    public static void Dispose(IEnumerable<PackageKey> keys)
    {
        foreach (var key in keys)
        {
            key.Dispose();
        }
    }

    /// <summary><c>NAME=COMMAND</c> pairs, each command split like a shell would (spaces, with single or double quotes).</summary>
    private static Dictionary<string, IReadOnlyList<string>> ParseEntries(IEnumerable<string> entries)
    {
        var parsed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliFailure($"--entry '{entry}' is not NAME=COMMAND (for example train=\"python3 train.py\")");
            }

            var words = CommandLineWords.Split(entry[(equals + 1)..]);
            if (words.Count == 0)
            {
                throw new CliFailure($"--entry '{entry}' has no command");
            }

            parsed[entry[..equals]] = words;
        }

        return parsed;
    }

    private static string Describe(string path, PackageInfo package) =>
        $"{path}: package {package.Id}, '{package.Manifest.Name}', {package.Manifest.Files.Count} files, {ByteSize.Format(package.Manifest.Files.Sum(file => file.Size))} unpacked, "
        + (package.SignedBy is null ? "unsigned" : package.SignatureVerified ? $"signed by trusted key {package.SignedBy}" : $"signed by key {package.SignedBy} (not checked: no --trust)")
        + Environment.NewLine + string.Join(Environment.NewLine, package.Manifest.EntryPoints.Select(entry => $"  {entry.Key}: {string.Join(' ', entry.Value)}"));
}
