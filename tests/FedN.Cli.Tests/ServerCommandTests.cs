using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Testing;

namespace FedN.Cli.Tests;

/// <summary>The commands that talk to a server, in-process against a real local server.</summary>
[Collection(CliRun.Collection)]
public sealed class ServerCommandTests : IAsyncLifetime
{
    private readonly string _files = Directory.CreateTempSubdirectory("fedn-cli-server-").FullName;
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task Models_go_up_and_come_back_down_byte_for_byte_and_are_listed()
    {
        var seed = Path.Combine(_files, "seed.safetensors");
        var copy = Path.Combine(_files, "copy.safetensors");
        await CliRun.Run(0, "model", "random", "--out", seed, "--seed", "3");

        var (_, uploaded, _) = await CliRun.Run(0, [.. Admin("model", "upload", seed, "--id", "seed-3", "--json")]);
        await CliRun.Run(0, [.. Admin("model", "download", "seed-3", "--out", copy)]);
        var (_, table, _) = await CliRun.Run(0, [.. Admin("model", "list")]);

        Assert.Equal("seed-3", JsonDocument.Parse(uploaded).RootElement.GetProperty("id").GetString());
        Assert.Equal(await File.ReadAllBytesAsync(seed), await File.ReadAllBytesAsync(copy));
        Assert.Contains("seed-3", table, StringComparison.Ordinal);
        Assert.StartsWith("id", table, StringComparison.Ordinal);

        var (_, deleted, _) = await CliRun.Run(0, [.. Admin("model", "delete", "seed-3")]);
        var (_, _, gone) = await CliRun.Run(1, [.. Admin("model", "delete", "seed-3")]);
        Assert.Equal("model seed-3 deleted", deleted.Trim());
        Assert.Contains("no model 'seed-3'", gone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_start_list_show_and_stop()
    {
        await UploadSeedAsync();

        var (_, started, _) = await CliRun.Run(0, [.. Admin("session", "start", "--id", "s1", "--rounds", "3", "--min-clients", "2", "--aggregator", "fedadam", "--json")]);
        var (_, list, _) = await CliRun.Run(0, [.. Admin("session", "list", "--json")]);
        var (_, shown, _) = await CliRun.Run(0, [.. Admin("session", "show", "s1")]);
        await CliRun.Run(0, [.. Admin("session", "stop", "s1")]);

        var session = JsonDocument.Parse(started).RootElement;
        Assert.Equal("s1", session.GetProperty("id").GetString());
        Assert.Equal("seed", session.GetProperty("seedModelId").GetString());
        Assert.Equal("fedadam", session.GetProperty("config").GetProperty("aggregator").GetString());
        Assert.Equal("s1", JsonDocument.Parse(list).RootElement[0].GetProperty("id").GetString());
        Assert.Contains("s1: ", shown, StringComparison.Ordinal);
        Assert.Contains("aggregator fedadam", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_show_prints_what_each_round_and_the_session_moved_over_the_network()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await _server.Metadata.Sessions.CreateAsync(new SessionRecord { Id = "moved", SeedModelId = "seed", Config = new SessionConfig { Rounds = 2 }, CreatedAt = start });
        await _server.Metadata.Sessions.UpdateAsync("moved", session => session with { Status = SessionStatus.Completed, CompletedRounds = 2, Traffic = new SessionTraffic(3 << 20, 3 << 19, 2, 1) });
        for (var round = 1; round <= 2; round++)
        {
            await _server.Metadata.Rounds.CreateAsync(new RoundRecord
            {
                SessionId = "moved",
                Round = round,
                Status = RoundStatus.Committed,
                InputModelId = "seed",
                StartedAt = start.AddMinutes(round),
                EndedAt = start.AddMinutes(round).AddSeconds(2),
                Traffic = new RoundTraffic { ModelBytes = 1 << 18, TrainingBytesDown = 1 << 20, ValidationBytesDown = 1 << 19, BytesUp = 3 << 18 },
            });
        }

        var (_, shown, _) = await CliRun.Run(0, [.. Admin("session", "show", "moved")]);

        Assert.Contains("traffic: 3.0 MiB down, 1.5 MiB up, 4.5 MiB in all", shown, StringComparison.Ordinal);
        var rows = shown.Split('\n').Where(line => line.TrimStart().StartsWith("1 ", StringComparison.Ordinal) || line.TrimStart().StartsWith("2 ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Matches(@"1\.5 MiB\s+768\.0 KiB", row));
    }

    [Fact]
    public async Task Commands_say_what_is_missing_or_refused()
    {
        var (_, _, noToken) = await CliRun.Run(1, "session", "list", "--server", _server.BaseUri.ToString(), "--token", "");
        var (_, _, clientToken) = await CliRun.Run(1, "client", "list", "--server", _server.BaseUri.ToString(), "--token", _server.ClientToken("x"));
        var (_, _, badRounds) = await CliRun.Run(1, [.. Admin("session", "start", "--rounds", "0")]);
        var (_, _, unreachable) = await CliRun.Run(1, "session", "list", "--server", "http://127.0.0.1:9/", "--token", "t");

        Assert.Contains("no token", noToken, StringComparison.Ordinal);
        Assert.Contains("needs an admin token", clientToken, StringComparison.Ordinal);
        Assert.Contains("rounds", badRounds, StringComparison.Ordinal);
        Assert.Contains("cannot reach the FedN server", unreachable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typos_and_bad_values_are_named_and_a_failed_download_leaves_no_file()
    {
        await UploadSeedAsync();
        var config = Path.Combine(_files, "config.json");
        await File.WriteAllTextAsync(config, """{"rounds":2,"aggregatr":"fedadam"}""");
        var output = Path.Combine(_files, "out", "ghost.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var (_, _, typo) = await CliRun.Run(1, [.. Admin("session", "start", "--config", config)]);
        var keys = Directory.CreateDirectory(Path.Combine(_files, "keys")).FullName;
        var (_, _, days) = await CliRun.Run(1, "token", "create", "--role", "admin", "--days", "0", "--data", keys);
        var (_, _, clientId) = await CliRun.Run(1, "token", "create", "--role", "client", "--client-id", "../x", "--data", keys);
        var (_, _, noKey) = await CliRun.Run(1, "token", "create", "--role", "admin", "--data", _files);
        var (_, _, download) = await CliRun.Run(1, [.. Admin("model", "download", "ghost", "--out", output)]);
        var (_, _, list) = await CliRun.Run(0, [.. Admin("session", "list")]);

        Assert.Contains($"{config}: unknown setting 'aggregatr' (did you mean 'aggregator'?)", typo, StringComparison.Ordinal);
        Assert.Contains("--days 0 is out of range", days, StringComparison.Ordinal);
        Assert.Contains("invalid client id '../x'", clientId, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", clientId, StringComparison.Ordinal);
        Assert.StartsWith("fedn: the data directory", noKey, StringComparison.Ordinal);
        Assert.Contains("no model 'ghost'", download, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));
        Assert.DoesNotContain("fedadam", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_started_with_named_clients_takes_only_those()
    {
        await UploadSeedAsync();

        var (_, started, _) = await CliRun.Run(0, [.. Admin("session", "start", "--id", "named", "--clients", "site-a,site-b", "--clients", "site-c", "--min-clients", "2", "--json")]);
        var (_, _, tooFew) = await CliRun.Run(1, [.. Admin("session", "start", "--clients", "site-a", "--min-clients", "2")]);

        var clients = JsonDocument.Parse(started).RootElement.GetProperty("config").GetProperty("clients").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(["site-a", "site-b", "site-c"], clients);
        Assert.Contains("the client list must name at least the minimum clients (2)", tooFew, StringComparison.Ordinal);
    }

    /// <summary>A random model uploaded with the CLI as model "seed".</summary>
    private async Task UploadSeedAsync()
    {
        var seed = Path.Combine(_files, "seed.safetensors");
        await CliRun.Run(0, "model", "random", "--out", seed);
        await CliRun.Run(0, [.. Admin("model", "upload", seed, "--id", "seed")]);
    }

    private IEnumerable<string> Admin(params string[] args) => [.. args, "--server", _server.BaseUri.ToString(), "--token", _server.AdminToken];
}

[Collection(CliRun.Collection)]
public sealed class HelpCommandTests
{
    [Fact]
    public async Task Fedn_help_describes_a_command_as_its_help_option_does()
    {
        var (_, viaOption, _) = await CliRun.Run(0, "session", "start", "--help");
        var (_, viaCommand, _) = await CliRun.Run(0, "help", "session", "start");
        Assert.Equal(viaOption, viaCommand);
        Assert.Contains("--max-example-weight", viaCommand, StringComparison.Ordinal);
    }
}
