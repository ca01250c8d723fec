using System.Diagnostics;
using FedN.Client;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Examples.Mnist.Attacks;
using FedN.Security;
using FedN.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedN.Examples.Mnist;

/// <summary>What the demo runs.</summary>
public sealed record MnistDemoOptions
{
    /// <summary>The compact MNIST file.</summary>
    public required string DataPath { get; init; }

    /// <summary>Clients, each with its own non-IID share of the digits.</summary>
    public int Clients { get; init; } = 5;

    /// <summary>Rounds.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>The server's aggregator (fedavg, fedavgm, fedadam, fedyogi, fedadagrad).</summary>
    public string Aggregator { get; init; } = "fedavg";

    /// <summary>The aggregator's hyperparameters; <see cref="MnistDemo.TunedFor"/> when null.</summary>
    public AggregatorHyperparameters? Hyperparameters { get; init; }

    /// <summary>Dirichlet concentration of the split: smaller is more skewed.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Combiners.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Seeds the split, the initial model and the clients' shuffling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Fraction of each client's digits held out for validation.</summary>
    public double HeldOut { get; init; } = 0.2;

    /// <summary>How the clients train.</summary>
    public MnistTrainingOptions Training { get; init; } = new();

    /// <summary>Run against this server instead of starting one (then <see cref="AdminToken"/> is needed).</summary>
    public Uri? Server { get; init; }

    /// <summary>
    /// The servers the clients connect to, in turn (client i to server i mod count, falling back on the
    /// others in order when its server cannot be reached): the nodes of one deployment of several.
    /// Default: <see cref="Server"/>.
    /// </summary>
    public IReadOnlyList<Uri>? ClientServers { get; init; }

    /// <summary>An admin token for <see cref="Server"/>.</summary>
    public string? AdminToken { get; init; }

    /// <summary>How long a round may take.</summary>
    public TimeSpan RoundTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>What the malicious clients (the last <see cref="Malicious"/> of them) do.</summary>
    public MnistAttack Attack { get; init; }

    /// <summary>The fraction of the clients that attack, rounded to a whole number of clients.</summary>
    public double Malicious { get; init; }

    /// <summary>The number of attacking clients <see cref="Malicious"/> gives.</summary>
    public int AttackerCount => (int)Math.Round(Malicious * Clients, MidpointRounding.AwayFromZero);

    /// <summary>Split the digits evenly (balanced IID, as in the FEDn lecture's attack experiments) instead of by Dirichlet(<see cref="Alpha"/>).</summary>
    public bool Iid { get; init; }

    /// <summary>Digits no client holds, on which the demo measures every global model (clean accuracy, backdoor success).</summary>
    public int TestDigits { get; init; } = 1000;

    /// <summary>The session's cap on one update's weight (<see cref="SessionConfig.MaxExampleWeight"/>).</summary>
    public long MaxExampleWeight { get; init; } = SessionConfig.DefaultMaxExampleWeight;

    /// <summary>The session's bound on an update's distance from the global model, if any (<see cref="SessionConfig.UpdateNormBound"/>).</summary>
    public double? UpdateNormBound { get; init; }
}

/// <summary>One committed round, as the demo reports it.</summary>
/// <param name="Round">The round.</param>
/// <param name="Clients">Updates aggregated into its model.</param>
/// <param name="Loss">Mean training loss of the clients (example-weighted).</param>
/// <param name="Accuracy">Validation accuracy on the clients' held-out digits (example-weighted).</param>
/// <param name="Seconds">How long the round took.</param>
/// <param name="ModelId">The model it committed.</param>
/// <param name="Warning">Why the round's model is suspect (most updates refused), if it is (<see cref="RoundRecord.Warning"/>).</param>
/// <param name="BytesDown">Bytes of models the round sent to clients (<see cref="RoundTraffic"/>).</param>
/// <param name="BytesUp">Bytes of updates the clients sent back.</param>
/// <param name="TestAccuracy">Accuracy of the round's model on the demo's own test digits, which no client holds.</param>
/// <param name="BackdoorSuccess">How often the round's model reads a test digit stamped with the backdoor's trigger as the trigger's target (digits of the target left out).</param>
public sealed record DemoRound(int Round, long Clients, double Loss, double Accuracy, double Seconds, string ModelId, string? Warning = null, long BytesDown = 0, long BytesUp = 0, double TestAccuracy = double.NaN, double BackdoorSuccess = double.NaN);

/// <summary>The demo's outcome (written by <c>--json</c>).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Rounds">Each committed round.</param>
/// <param name="FinalAccuracy">The last round's validation accuracy.</param>
/// <param name="Seconds">The whole session.</param>
/// <param name="Status">How the session ended.</param>
/// <param name="Message">Why it failed, when it did.</param>
/// <param name="Traffic">What the session moved over the network, every attempt included.</param>
/// <param name="DataBytes">Bytes of the digits (pixels and labels) that stayed on the clients: what centralised training would have moved once.</param>
public sealed record DemoSummary(string SessionId, IReadOnlyList<DemoRound> Rounds, double FinalAccuracy, double Seconds, SessionStatus Status, string? Message, SessionTraffic? Traffic = null, long DataBytes = 0)
{
    /// <summary>How many times the training data's size the federation moved, once both are known.</summary>
    public double? TrafficToDataRatio => Traffic is { } traffic && DataBytes > 0 ? (double)(traffic.BytesDown + traffic.BytesUp) / DataBytes : null;

    /// <summary>The last round's accuracy on the demo's test digits.</summary>
    public double FinalTestAccuracy => Rounds.Count > 0 ? Rounds[^1].TestAccuracy : double.NaN;

    /// <summary>The last round's backdoor success rate on the stamped test digits.</summary>
    public double FinalBackdoorSuccess => Rounds.Count > 0 ? Rounds[^1].BackdoorSuccess : double.NaN;
}

/// <summary>
/// The main job: a real federation on MNIST. Starts a local server (or uses one), clients that each
/// train a small MLP on their own non-IID share of real digits, and a session of FedAvg (or another
/// aggregator) with validation on each client's held-out digits, reporting each round as it commits.
/// </summary>
public static class MnistDemo
{
    /// <summary>Runs the demo; <paramref name="onRound"/> sees each round as it commits.</summary>
    public static async Task<DemoSummary> RunAsync(MnistDemoOptions options, Action<DemoRound>? onRound = null, ILoggerFactory? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Server is not null && string.IsNullOrWhiteSpace(options.AdminToken))
        {
            throw new ArgumentException("running against a server needs its admin token (--token or FEDN_TOKEN)");
        }

        var attackers = options.AttackerCount;
        if (!(options.Malicious is >= 0 and < 1) || attackers >= options.Clients)
        {
            throw new ArgumentException($"the malicious fraction {options.Malicious} must leave at least one of the {options.Clients} clients honest");
        }

        if ((attackers > 0) != (options.Attack != MnistAttack.None))
        {
            throw new ArgumentException(attackers > 0
                ? $"{attackers} malicious clients need an attack (label-flip, backdoor, scale or sign-flip)"
                : $"the {options.Attack} attack needs a malicious fraction that makes at least one of the {options.Clients} clients an attacker");
        }

        var data = await MnistDataset.LoadAsync(options.DataPath, cancellationToken);
        var test = CentralTest.SetAside(data, options.TestDigits, options.Seed);
        var labels = test.Rest.Select(i => data.Labels[i]).ToArray();
        var shares = (options.Iid ? IidSplit.Split(labels, options.Clients, options.Seed) : DirichletSplit.Split(labels, options.Clients, options.Alpha, options.Seed))
            .Select(share => share.Select(i => test.Rest[i]).ToArray()).ToArray();
        // The second alone is not unique: two demos started together (tests do) would share a session id,
        // and spans, which are process-wide, would mix.
        var run = $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
        WebApplication? local = null;
        var directory = options.Server is null ? Directory.CreateTempSubdirectory("fedn-demo-").FullName : null;
        try
        {
            Uri server;
            string adminToken;
            if (options.Server is { } remote)
            {
                (server, adminToken) = (remote, options.AdminToken!);
            }
            else
            {
                server = LocalServerOptions.FreeLoopbackUri();
                local = await LocalServer.BuildAsync(
                    new LocalServerOptions { ListenUri = server, DataDirectory = directory!, TelemetrySources = [ClientTelemetry.Name] },
                    logging: builder => builder.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft", LogLevel.None),
                    cancellationToken: cancellationToken);
                await local.StartAsync(cancellationToken);
                adminToken = local.Services.GetRequiredService<AccessTokens>().Create(AccessTokenRoles.Admin, null, TimeSpan.FromHours(1));
            }

            using var admin = new FedNApiClient(server, adminToken);
            using var stopClients = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            List<(FedNClient Client, Task Run)> clients = [];
            try
            {
                for (var i = 0; i < options.Clients; i++)
                {
                    var token = await admin.CreateTokenAsync(new CreateTokenRequest { Role = AccessTokenRoles.Client, ClientId = ClientId(i + 1), Days = 1 }, cancellationToken);
                    var training = options.Training with { Seed = options.Seed + i };
                    var trainer = i >= options.Clients - attackers
                        ? Attackers.Create(options.Attack, data, shares[i], options.HeldOut, training)
                        : MnistTrainer.ForShare(data, shares[i], options.HeldOut, training);
                    var nodes = options.ClientServers is { Count: > 0 } given ? given : [server];
                    var home = i % nodes.Count;
                    var client = new FedNClient(new FedNClientOptions { ServerUri = nodes[home], OtherServerUris = [.. nodes.Skip(home + 1), .. nodes.Take(home)], Token = token.Token, Logger = logging?.CreateLogger(ClientId(i + 1)) }, trainer);
                    clients.Add((client, Task.Run(() => client.RunAsync(stopClients.Token), CancellationToken.None)));
                }

                var seed = new MemoryStream();
                await Mlp.Create(options.Seed).SaveAsync(seed, cancellationToken);
                seed.Position = 0;
                var seedModel = await admin.UploadModelAsync(seed, $"mnist-seed-{run}", "MNIST MLP 784-128-10, He-uniform", cancellationToken: cancellationToken);
                await WaitForClientsAsync(admin, options.Clients, clients, cancellationToken);
                var session = await admin.CreateSessionAsync(new CreateSessionRequest
                {
                    Id = $"mnist-{run}",
                    Name = $"MNIST demo: {options.Clients} clients, {options.Aggregator}, {(options.Iid ? "IID" : $"alpha {options.Alpha}")}{(attackers > 0 ? $", {attackers} {options.Attack}" : "")}",
                    SeedModelId = seedModel.Id,
                    Config = new SessionConfig
                    {
                        Rounds = options.Rounds,
                        MinClients = options.Clients,
                        // Only the demo's own clients: others connected to a shared server would be
                        // asked to train a model they do not know.
                        Clients = [.. Enumerable.Range(1, options.Clients).Select(ClientId)],
                        RoundTimeout = options.RoundTimeout,
                        Aggregator = options.Aggregator,
                        Hyperparameters = options.Hyperparameters ?? TunedFor(options.Aggregator),
                        Shards = options.Shards,
                        QuorumGrace = TimeSpan.FromSeconds(5),
                        Validate = true,
                        MaxExampleWeight = options.MaxExampleWeight,
                        UpdateNormBound = options.UpdateNormBound,
                    },
                    Start = true,
                }, cancellationToken);
                var summary = await FollowAsync(admin, session.Id, test, onRound, cancellationToken);
                return summary with { DataBytes = shares.Sum(share => (long)share.Length) * (MnistDataset.Pixels + 1) };
            }
            finally
            {
                await stopClients.CancelAsync();
                foreach (var (client, task) in clients)
                {
                    await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await client.DisposeAsync();
                }
            }
        }
        finally
        {
            if (local is not null)
            {
                await local.StopAsync(CancellationToken.None);
                await local.DisposeAsync();
            }

            if (directory is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Server-optimizer settings that suit this MLP: the adaptive optimizers step every parameter by
    /// about the server learning rate, so 0.01 with τ = 1e-3 (Reddi et al., 2021) rather than the general
    /// defaults, which move these small weights too far.
    /// </summary>
    public static AggregatorHyperparameters TunedFor(string aggregator) => aggregator.ToLowerInvariant() switch
    {
        "fedadam" or "fedyogi" or "fedadagrad" => AggregatorHyperparameters.Of(("serverLearningRate", 0.01), ("tau", 1e-3)),
        _ => new AggregatorHyperparameters(),
    };

    private static string ClientId(int number) => $"mnist-{number}";

    private static async Task WaitForClientsAsync(FedNApiClient admin, int count, List<(FedNClient Client, Task Run)> clients, CancellationToken cancellationToken)
    {
        var online = 0;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100, cancellationToken))
        {
            if (clients.FirstOrDefault(c => c.Run.IsFaulted) is { Run.Exception: { } failure })
            {
                throw new InvalidOperationException($"a client stopped: {failure.InnerException?.Message}");
            }

            online = clients.Count(c => c.Client.ClientId is not null);
            if (online == count)
            {
                return;
            }
        }

        throw new TimeoutException($"only {online} of {count} clients connected within 60 s");
    }

    private static async Task<(double Accuracy, double BackdoorSuccess)> EvaluateAsync(FedNApiClient admin, string modelId, CentralTest test, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fedn-demo-{Guid.NewGuid():N}.safetensors");
        try
        {
            await using (var stream = File.Create(file))
            {
                await admin.DownloadModelAsync(modelId, stream, cancellationToken: cancellationToken);
            }

            return await test.EvaluateAsync(file, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<DemoSummary> FollowAsync(FedNApiClient admin, string sessionId, CentralTest test, Action<DemoRound>? onRound, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        List<DemoRound> reported = [];
        while (true)
        {
            await Task.Delay(250, cancellationToken);
            // A server that restarts mid-session resumes it: the demo waits for it and follows on.
            var (session, rounds) = await ServerOutage.RetryAsync(async token =>
                (await admin.GetSessionAsync(sessionId, token), await admin.ListRoundsAsync(sessionId, cancellationToken: token)),
                reason => Console.Error.WriteLine($"demo: {reason}"), cancellationToken: cancellationToken);
            foreach (var round in rounds.Items.Where(r => r.Status == RoundStatus.Committed && r.Round > reported.Count).OrderBy(r => r.Round))
            {
                var row = new DemoRound(round.Round, round.UpdatesAggregated, round.TrainingMetrics?.GetValueOrDefault("loss") ?? double.NaN,
                    round.ValidationMetrics?.GetValueOrDefault("accuracy") ?? double.NaN, ((round.EndedAt ?? round.StartedAt) - round.StartedAt).TotalSeconds, round.OutputModelId ?? "", round.Warning,
                    round.Traffic?.BytesDown ?? 0, round.Traffic?.BytesUp ?? 0);
                if (round.OutputModelId is { } modelId && test.Indices.Count > 0)
                {
                    var (accuracy, backdoor) = await EvaluateAsync(admin, modelId, test, cancellationToken);
                    row = row with { TestAccuracy = accuracy, BackdoorSuccess = backdoor };
                }

                reported.Add(row);
                onRound?.Invoke(row);
            }

            if (session.Status.HasEnded() && reported.Count >= session.CompletedRounds)
            {
                return new DemoSummary(sessionId, reported, reported.Count > 0 ? reported[^1].Accuracy : double.NaN, watch.Elapsed.TotalSeconds, session.Status, session.Message, session.Traffic);
            }
        }
    }
}
