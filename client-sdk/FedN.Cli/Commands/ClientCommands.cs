using System.CommandLine;
using FedN.Client;
using Microsoft.Extensions.Logging;

namespace FedN.Cli.Commands;

/// <summary><c>fedn client run|list|delete</c>.</summary>
internal static class ClientCommands
{
    public static Command Create() => new("client", "Run a federated client, or list a server's clients.") 
    {
        Run(),
        List(),
        DeleteCommand.Create("client", "Delete a client's record (refused while it is connected or a session that has not ended names it; revoke its token first).", (api, id, ct) => api.DeleteClientAsync(id, ct)),
    };

    private static Command Run()
    {
        var server = new ServerOptions();
        var trainer = new Option<string?>("--trainer") { Description = "The trainer program, run as '<program> [args] train in.safetensors out.safetensors' and '<program> [args] validate model.safetensors metrics.json'. Without it the client runs the compute package each session names." };
        var trainerArgs = new Option<string[]>("--trainer-arg") { Description = "An argument before the entry point (repeat it), for example the script: --trainer python3 --trainer-arg train.py.", AllowMultipleArgumentsPerToken = false };
        var work = new Option<string?>("--work-dir") { Description = "Where models are downloaded and trained (the temp directory when absent)." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every step." };
        var dpClip = new Option<double?>("--dp-clip-norm") { Description = "Client-side differential privacy: clip each update's L2 distance from the global model to this bound before it leaves the machine." };
        var dpNoise = new Option<double?>("--dp-noise-multiplier") { Description = "With --dp-clip-norm C: add Gaussian noise of standard deviation this × C to every parameter of the clipped update." };
        var trust = PackageCommands.TrustOption();
        var command = server.AddTo(new Command("run", "Join the federation as the client of --token (a client token) and train, with an external program or the session's compute package, until Ctrl-C.") { trainer, trainerArgs, trust, work, verbose, dpClip, dpNoise }, json: false);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var logging = LoggerFactory.Create(builder => builder
                .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
                .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information));
            var logger = logging.CreateLogger("fedn.client");
            var trustedKeys = PackageCommands.ReadTrustedKeys(parse.GetValue(trust));
            using var packages = parse.GetValue(trainer) is null
                ? new PackageTrainer(Path.Combine(parse.GetValue(work) ?? Path.GetTempPath(), "fedn-packages"), trustedKeys, logger)
                : null;
            if (packages is not null && trustedKeys.Count == 0)
            {
                logger.PackagesUnpinned();
            }
            else if (packages is null && trustedKeys.Count > 0)
            {
                throw new CliFailure("--trust is for compute packages, and --trainer runs a local program instead: give one or the other");
            }

            ITrainer local = packages is not null ? packages : LocalTrainer(parse.GetValue(trainer)!, parse.GetValue(trainerArgs) ?? []);
            if (parse.GetValue(dpNoise) is not null && parse.GetValue(dpClip) is null)
            {
                throw new CliFailure("--dp-noise-multiplier needs --dp-clip-norm: noise is calibrated to the clipping bound");
            }

            ITrainer chosen = parse.GetValue(dpClip) is { } clip ? new PrivateTrainer(local, clip, parse.GetValue(dpNoise) ?? 0) : local;
            await using var client = new FedNClient(new FedNClientOptions
            {
                ServerUri = server.ServerUris(parse)[0],
                OtherServerUris = server.ServerUris(parse).Skip(1).ToList(),
                Token = server.TokenOf(parse),
                WorkDirectory = parse.GetValue(work),
                Logger = logger,
            }, chosen);
            var bars = new Dictionary<ClientStage, ProgressBar>();
            client.Progress += (_, progress) =>
            {
                // Events come from the connection and from the task worker.
                lock (bars)
                {
                    Show(bars, progress);
                }
            };
            try
            {
                await client.RunAsync(ct);
            }
            catch (FedNApiException refused)
            {
                throw new CliFailure(refused.Message);
            }
        }));
        return command;
    }

    /// <summary>The client's own program, checked to start before the client joins.</summary>
    private static ProcessTrainer LocalTrainer(string program, string[] arguments)
    {
        var trainer = new ProcessTrainer(program, arguments, Environment.CurrentDirectory);
        try
        {
            trainer.EnsureStartable();
        }
        catch (TrainerException cannot)
        {
            throw new CliFailure($"{cannot.Message}; the client did not join");
        }

        return trainer;
    }

    /// <summary>A progress bar per transfer, ended when the next stage begins.</summary>
    private static void Show(Dictionary<ClientStage, ProgressBar> bars, ClientProgressEventArgs progress)
    {
        if (progress.Stage is ClientStage.Downloading or ClientStage.Uploading && progress.Bytes is { } bytes)
        {
            if (!bars.TryGetValue(progress.Stage, out var bar))
            {
                bars[progress.Stage] = bar = new ProgressBar($"{progress.Stage.ToString().ToLowerInvariant()} round {progress.Round}", progress.TotalBytes);
            }

            bar.Report(bytes);
            return;
        }

        foreach (var bar in bars.Values)
        {
            bar.Complete();
        }

        bars.Clear();
    }

    private static Command List()
    {
        var server = new ServerOptions();
        var online = new Option<bool?>("--online") { Description = "Only online (true) or offline (false) clients." };
        var command = server.AddTo(new Command("list", "List clients: online or not, and when each was last seen.") { online });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            var clients = await Pages.AllAsync(token => api.ListClientsAsync(parse.GetValue(online), continuationToken: token, cancellationToken: ct));
            await server.PrintAsync(parse, clients, all => Table.Render(["id", "online", "last seen", "first seen"],
                all.Select(c => new[] { c.Id, c.Online ? "yes" : "no", Table.Time(c.LastSeen), Table.Time(c.FirstSeen) })));
        }));
        return command;
    }
}
