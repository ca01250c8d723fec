namespace FedN.Cli.Tests;

/// <summary><c>fedn package keygen|create|verify</c> on real files.</summary>
[Collection(CliRun.Collection)]
public sealed class PackageCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedn-cli-package-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_signed_package_verifies_against_its_key_and_is_refused_by_another()
    {
        var source = Path.Combine(_dir, "code");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "main.py"), "print('hi')\n");
        var (publisher, other, archive) = (Path.Combine(_dir, "publisher.pem"), Path.Combine(_dir, "other.pem"), Path.Combine(_dir, "code.tar.gz"));
        await CliRun.Run(0, "package", "keygen", "--out", publisher);
        await CliRun.Run(0, "package", "keygen", "--out", other);
        var (_, _, again) = await CliRun.Run(1, "package", "keygen", "--out", publisher);
        Assert.Contains("exists already", again, StringComparison.Ordinal);

        var (_, created, _) = await CliRun.Run(0, "package", "create", source, "--sign", publisher, "--out", archive,
            "--entry", "train=python3 'main.py' train", "--entry", "validate=python3 main.py validate");
        Assert.Contains("1 files", created, StringComparison.Ordinal);
        Assert.Contains("train: python3 main.py train", created, StringComparison.Ordinal);

        var (_, verified, _) = await CliRun.Run(0, "package", "verify", archive, "--trust", publisher + ".pub");
        Assert.Contains("signed by trusted key", verified, StringComparison.Ordinal);
        var (_, _, refused) = await CliRun.Run(1, "package", "verify", archive, "--trust", other + ".pub");
        Assert.Contains("which this client does not trust", refused, StringComparison.Ordinal);

        var (_, _, noEntry) = await CliRun.Run(1, "package", "create", source, "--entry", "train=python3 main.py", "--out", Path.Combine(_dir, "x.tar.gz"));
        Assert.Contains("no 'validate' entry point", noEntry, StringComparison.Ordinal);
        var (_, _, unclosed) = await CliRun.Run(1, "package", "create", source, "--entry", "train=python3 'main.py", "--entry", "validate=x", "--out", Path.Combine(_dir, "y.tar.gz"));
        Assert.Contains("unclosed", unclosed, StringComparison.Ordinal);
        var (_, _, publicSigner) = await CliRun.Run(1, "package", "create", source, "--sign", publisher + ".pub", "--entry", "train=a", "--entry", "validate=a", "--out", Path.Combine(_dir, "z.tar.gz"));
        Assert.Contains("is a public key", publicSigner, StringComparison.Ordinal);
    }
}
