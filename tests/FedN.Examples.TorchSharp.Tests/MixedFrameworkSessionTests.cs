using System.Diagnostics;
using FedN.Client;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core.Safetensors;
using FedN.Examples.Mnist;
using FedN.Testing;

namespace FedN.Examples.TorchSharp.Tests;

/// <summary>
/// The TorchSharp CNN and the PyTorch example's are one model: the same file loads in both, and a
/// PyTorch client and a TorchSharp client train it together in one session through the local
/// server. Needs Debian's python3-torch (scripts/test.sh installs it; FEDN_TORCH_PYTHON names another).
/// </summary>
public sealed class MixedFrameworkSessionTests : IDisposable
{
    private static readonly string Repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
    private static readonly string PyTorchExample = Path.Combine(Repository, "examples", "pytorch-mnist");
    private static readonly string Digits = Path.Combine(Repository, "examples", "mnist", "mnist-10k.bin.gz");
    private static readonly string Python = Environment.GetEnvironmentVariable("FEDN_TORCH_PYTHON") ?? "/usr/bin/python3";

    private readonly string _dir = Directory.CreateTempSubdirectory("fedn-torchsharp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_pytorch_model_file_loads_into_torchsharp_and_back_with_the_same_names_shapes_and_dtypes()
    {
        var seed = Path.Combine(_dir, "seed.safetensors");
        await RunAsync(Python, [Path.Combine(PyTorchExample, "seed.py"), seed]);
        using var model = new MnistCnn();
        await StateDictFile.LoadAsync(model, seed);
        var written = Path.Combine(_dir, "torchsharp.safetensors");
        await StateDictFile.SaveAsync(model, written);

        await using (var original = SafetensorsReader.OpenFile(seed))
        await using (var again = SafetensorsReader.OpenFile(written))
        {
            Assert.Equal(
                original.Header.Tensors.Select(t => (t.Name, t.DType, string.Join(',', t.Shape))).OrderBy(t => t.Name),
                again.Header.Tensors.Select(t => (t.Name, t.DType, string.Join(',', t.Shape))).OrderBy(t => t.Name));
            Assert.Equal(27_562, again.Header.Tensors.Sum(t => t.ElementCount));
        }

        Assert.Equal(await File.ReadAllBytesAsync(seed).ContinueWith(t => Values(t.Result)), Values(await File.ReadAllBytesAsync(written)));

        // And PyTorch reads what TorchSharp wrote: the validate entry point scores it.
        var metrics = Path.Combine(_dir, "metrics.json");
        await RunAsync(Python, [Path.Combine(PyTorchExample, "validate.py"), written, metrics], PyTorchEnvironment(0, 2));
        Assert.Contains("accuracy", await File.ReadAllTextAsync(metrics), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pytorch_client_and_a_torchsharp_client_train_one_model_in_one_session()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = new FedNApiClient(server.BaseUri, server.AdminToken);
        var seed = Path.Combine(_dir, "seed.safetensors");
        await RunAsync(Python, [Path.Combine(PyTorchExample, "seed.py"), seed]);
        await using (var file = File.OpenRead(seed))
        {
            await admin.UploadModelAsync(file, "mixed-seed");
        }

        // Client 0 of 2 is PyTorch, on the PyTorch example's split; client 1 is TorchSharp, on its own share.
        var data = await MnistDataset.LoadAsync(Digits);
        var shares = DirichletSplit.Split(data.Labels, 2, 0.5, seed: 1);
        ITrainer[] trainers =
        [
            ProcessTrainer.ForEntryPoints([Python, "train.py"], [Python, "validate.py"], PyTorchExample, PyTorchEnvironment(0, 2)),
            new TorchSharpMnistTrainer(data, shares[1]),
        ];
        using var stop = new CancellationTokenSource();
        var clients = trainers.Select((trainer, i) =>
        {
            var client = new FedNClient(new FedNClientOptions { ServerUri = server.BaseUri, Token = server.ClientToken(i == 0 ? "pytorch" : "torchsharp") }, trainer);
            return Task.Run(() => client.RunAsync(stop.Token));
        }).ToList();
        try
        {
            await Poll.UntilAsync(async () => (await admin.ListClientsAsync(online: true)).Items.Count >= 2, TimeSpan.FromSeconds(30), "2 clients online");
            await admin.CreateSessionAsync(new CreateSessionRequest
            {
                Id = "mixed",
                SeedModelId = "mixed-seed",
                Config = new SessionConfig { Rounds = 2, MinClients = 2, RoundTimeout = TimeSpan.FromMinutes(2) },
                Start = true,
            });
            SessionRecord? session = null;
            await Poll.UntilAsync(async () => (session = await admin.GetSessionAsync("mixed")).Status.HasEnded(), TimeSpan.FromMinutes(4), "the session to end");

            Assert.True(session!.Status == SessionStatus.Completed, session.Message);
            var rounds = (await admin.ListRoundsAsync("mixed")).Items;
            Assert.All(rounds, round => Assert.Equal((2L, 0L), (round.UpdatesAggregated, round.UpdatesRejected)));
            var validations = (await admin.ListValidationsAsync("mixed")).Items;
            Assert.Equal(["pytorch", "torchsharp"], validations.Where(v => v.Round == 2).Select(v => v.ClientId).Order());
            Assert.All(validations.Where(v => v.Round == 2), v => Assert.True(v.Metrics["accuracy"] > 0.6, $"{v.ClientId}: accuracy {v.Metrics["accuracy"]} after 2 rounds"));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients.Select(run => run.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private static Dictionary<string, string> PyTorchEnvironment(int index, int count) => new()
    {
        ["FEDN_MNIST"] = Digits,
        ["FEDN_CLIENT_INDEX"] = $"{index}",
        ["FEDN_CLIENT_COUNT"] = $"{count}",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
    };

    private static float[] Values(byte[] file)
    {
        using var reader = SafetensorsReader.OpenAsync(new MemoryStream(file)).GetAwaiter().GetResult();
        return [.. reader.Header.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal).SelectMany(t =>
        {
            var bytes = new byte[t.ByteLength];
            reader.ReadAsync(t, 0, bytes).AsTask().GetAwaiter().GetResult();
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        })];
    }

    private static async Task RunAsync(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error} (PyTorch: apt-get install python3-torch, or set FEDN_TORCH_PYTHON)");
    }
}
