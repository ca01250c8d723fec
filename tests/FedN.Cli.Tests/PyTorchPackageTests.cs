using System.Diagnostics;
using FedN.Client;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Core.Packages;
using FedN.Testing;
using FedN.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Cli.Tests;

/// <summary>
/// examples/pytorch-mnist as a signed compute package, through the local server: clients fetch it
/// over their tasks' scoped URLs, check it, and train a PyTorch CNN on real MNIST digits. Needs
/// Debian's python3-torch (scripts/test.sh installs it; FEDN_TORCH_PYTHON names another interpreter).
/// </summary>
public sealed class PyTorchPackageTests : IDisposable
{
    private static readonly string Example = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../examples/pytorch-mnist"));
    private static readonly string Digits = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../examples/mnist/mnist-10k.bin.gz"));

    private readonly string _dir = Directory.CreateTempSubdirectory("fedn-pytorch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Two_pytorch_clients_run_the_signed_package_and_the_federation_learns()
    {
        var python = await TorchPythonAsync();
        using var key = PackageKey.Generate();
        using var trusted = PackageKey.FromPem(key.ExportPublicPem());
        var archive = Path.Combine(_dir, "pytorch-mnist.fedn.tar.gz");
        PackageInfo made;
        await using (var file = File.Create(archive))
        {
            made = await PackageBuilder.CreateAsync(Example, "pytorch-mnist", new Dictionary<string, IReadOnlyList<string>>
            {
                [PackageEntryPoints.Train] = [python, "train.py"],
                [PackageEntryPoints.Validate] = [python, "validate.py"],
            }, file, key);
        }

        await using var server = await RunningServer.StartAsync();
        using var admin = new FedNApiClient(server.BaseUri, server.AdminToken);
        PackageRecord uploaded;
        await using (var file = File.OpenRead(archive))
        {
            uploaded = await admin.UploadPackageAsync(file);
        }

        Assert.Equal((made.Id, key.Id), (uploaded.Id, uploaded.SignedBy));
        var seed = Path.Combine(_dir, "seed.safetensors");
        await RunAsync(python, [Path.Combine(Example, "seed.py"), seed]);
        await using (var file = File.OpenRead(seed))
        {
            await admin.UploadModelAsync(file, "torch-seed");
        }

        using var stop = new CancellationTokenSource();
        List<Task> clients = [];
        List<PackageTrainer> trainers = [];
        for (var i = 0; i < 2; i++)
        {
            var trainer = new PackageTrainer(Path.Combine(_dir, $"client-{i}"), [trusted], NullLogger.Instance, new Dictionary<string, string>
            {
                ["FEDN_MNIST"] = Digits,
                ["FEDN_CLIENT_INDEX"] = $"{i}",
                ["FEDN_CLIENT_COUNT"] = "2",
            });
            trainers.Add(trainer);
            var client = new FedNClient(new FedNClientOptions { ServerUri = server.BaseUri, Token = server.ClientToken($"torch-{i}") }, trainer);
            clients.Add(Task.Run(() => client.RunAsync(stop.Token)));
        }

        try
        {
            await Poll.UntilAsync(async () => (await admin.ListClientsAsync(online: true)).Items.Count >= 2, TimeSpan.FromSeconds(30), "2 clients online");
            var config = new SessionConfig { Rounds = 2, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(2), Package = uploaded.Id };
            await admin.CreateSessionAsync(new CreateSessionRequest { Id = "torch", SeedModelId = "torch-seed", Config = config, Start = true });
            SessionRecord? session = null;
            await Poll.UntilAsync(async () => (session = await admin.GetSessionAsync("torch")).Status.HasEnded(), TimeSpan.FromMinutes(4), "the session to end");

            Assert.True(session!.Status == SessionStatus.Completed, session.Message);
            Assert.Equal(uploaded.Id, session.Config.Package);
            var rounds = (await admin.ListRoundsAsync("torch")).Items;
            Assert.All(rounds, round => Assert.Equal(2, round.UpdatesAggregated));

            // A seed model guesses (about 0.1); a round of SGD on each client's non-IID share gets far past that.
            Assert.True(rounds[0].ValidationMetrics!["accuracy"] > 0.6, $"accuracy after round 1: {rounds[0].ValidationMetrics!["accuracy"]}");
            Assert.True(rounds[1].ValidationMetrics!["accuracy"] > rounds[0].ValidationMetrics!["accuracy"] - 0.05, $"accuracy {rounds[0].ValidationMetrics!["accuracy"]} then {rounds[1].ValidationMetrics!["accuracy"]}");
            Assert.True(Directory.Exists(Path.Combine(_dir, "client-0", uploaded.Id)));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients.Select(run => run.ContinueWith(_ => { }, TaskScheduler.Default)));
            trainers.ForEach(trainer => trainer.Dispose());
        }
    }

    [Fact]
    public async Task A_client_refuses_a_package_its_pinned_key_did_not_sign_and_runs_nothing_of_it()
    {
        using var publisher = PackageKey.Generate();
        using var pinned = PackageKey.Generate();
        var source = Path.Combine(_dir, "source");
        Directory.CreateDirectory(source);
        var marker = Path.Combine(_dir, "ran");
        await File.WriteAllTextAsync(Path.Combine(source, "run.sh"), $"touch '{marker}'\n");
        var archive = new MemoryStream();
        var package = await PackageBuilder.CreateAsync(source, "evil", new Dictionary<string, IReadOnlyList<string>> { ["train"] = ["sh", "run.sh"], ["validate"] = ["sh", "run.sh"] }, archive, publisher);
        await using var server = await RunningServer.StartAsync();
        using var admin = new FedNApiClient(server.BaseUri, server.AdminToken);
        archive.Position = 0;
        await admin.UploadPackageAsync(archive);
        var served = await server.App.Services.GetRequiredService<IBlobStore>().CreateDownloadUrlAsync(Reducer.RoundLayout.Package(package.Id), TimeSpan.FromMinutes(5));

        using var trainer = new PackageTrainer(Path.Combine(_dir, "client"), [pinned], NullLogger.Instance);
        var task = new ClientTask
        {
            TaskId = "s/1/1/train", Kind = ClientTaskKind.Train, SessionId = "s", Round = 1, ModelId = "m", ModelUrl = new Uri("http://127.0.0.1:9/"),
            Deadline = DateTimeOffset.UtcNow.AddMinutes(1), PackageId = package.Id, PackageUrl = served,
        };
        var refused = await Assert.ThrowsAsync<TrainerException>(() => trainer.TrainAsync(new TrainingRequest(task, "in", "out"), CancellationToken.None));

        Assert.Contains($"signed by key {publisher.Id}, which this client does not trust", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        Assert.False(Directory.Exists(Path.Combine(_dir, "client", package.Id)));
        var noPackage = await Assert.ThrowsAsync<TrainerException>(() => trainer.TrainAsync(new TrainingRequest(task with { PackageId = null, PackageUrl = null }, "in", "out"), CancellationToken.None));
        Assert.Contains("names no compute package", noPackage.Message, StringComparison.Ordinal);
    }

    /// <summary>An interpreter with PyTorch: FEDN_TORCH_PYTHON, else Debian's python3 (python3-torch).</summary>
    private static async Task<string> TorchPythonAsync()
    {
        var python = Environment.GetEnvironmentVariable("FEDN_TORCH_PYTHON") ?? "/usr/bin/python3";
        try
        {
            await RunAsync(python, ["-c", "import torch, numpy"]);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{python} cannot import torch and numpy ({e.Message}): install python3-torch (scripts/test.sh does, with apt) or set FEDN_TORCH_PYTHON");
        }

        return python;
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }
    }
}
