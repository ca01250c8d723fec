namespace FedN.Cli.Tests;

/// <summary><c>fedn client run</c> refuses to join with a trainer that cannot start.</summary>
[Collection(CliRun.Collection)]
public sealed class ClientCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedn-cli-client-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_trainer_that_cannot_start_is_named_before_the_client_joins()
    {
        // The server address is unreachable: had the client tried to join, the error would be about the connection.
        string[] server = ["--server", "http://127.0.0.1:9/", "--token", "t"];
        var notExecutable = Path.Combine(_dir, "train.sh");
        await File.WriteAllTextAsync(notExecutable, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(notExecutable, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var (_, _, noProgram) = await CliRun.Run(1, ["client", "run", "--trainer", "python4", .. server]);
        var (_, _, noFile) = await CliRun.Run(1, ["client", "run", "--trainer", "./no-such-trainer", .. server]);
        var (_, _, noScript) = await CliRun.Run(1, ["client", "run", "--trainer", "sh", "--trainer-arg", "missing.py", .. server]);
        var (_, _, notRunnable) = await CliRun.Run(1, ["client", "run", "--trainer", notExecutable, .. server]);

        Assert.Contains("cannot start trainer 'python4': it is not on PATH", noProgram, StringComparison.Ordinal);
        Assert.Contains("the client did not join", noProgram, StringComparison.Ordinal);
        Assert.Contains("cannot start trainer './no-such-trainer': there is no such file", noFile, StringComparison.Ordinal);
        Assert.Contains("trainer script 'missing.py' does not exist", noScript, StringComparison.Ordinal);
        Assert.Contains("is not executable", notRunnable, StringComparison.Ordinal);
    }
}
