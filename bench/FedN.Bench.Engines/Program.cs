// The reducer's engines side by side, and failover on the Durable Task Framework engine.
//
//   dotnet run -c Release --project bench/FedN.Bench.Engines [-- --trials N]
//
// 1. Steps: a chain of 40 activities one after another (each a round step's round trip through
//    the engine: schedule, run, record, replay) and a fan-out of 200 activities, on FedN's local
//    runner (SQLite in a temporary directory) and on the Durable Task Framework's Azure Storage
//    provider (Azurite on 127.0.0.1), with FedN's defaults.
// 2. Failover: a child process runs the engine and a ticking orchestration alone on a one-partition
//    task hub, this process stands by on the same hub; the child is killed with SIGKILL and the time
//    until the orchestration completes its next step here is measured. Target: under 20 s.
// 3. Rounds: the same MNIST session (3 clients, 6 rounds, 2 combiners) on a server with embedded
//    stores and the local runner, on Azure's stores (Azurite, the Cosmos emulator) with the local
//    runner, and on Azure's stores with the Durable Task Framework: the mean time of rounds 2-6.
//    Target: the Durable Task Framework within 2x the local runner on the same stores.
using System.Diagnostics;
using System.Globalization;
using FedN.Orchestration;
using FedN.Orchestration.AzureStorage;
using FedN.Orchestration.Local;
using FedN.Storage.Embedded;
using FedN.Testing;
using Microsoft.DurableTask;

const string ChildHubVariable = "FEDN_BENCH_ENGINES_CHILD";
var ticker = new OrchestratorName<int, int>("ticker");

if (Environment.GetEnvironmentVariable(ChildHubVariable) is { Length: > 0 } childSetting)
{
    // The node that is killed: runs the ticker until SIGKILL.
    var (connectionString, hub) = (childSetting[(childSetting.IndexOf('|', StringComparison.Ordinal) + 1)..], childSetting[..childSetting.IndexOf('|', StringComparison.Ordinal)]);
    await using var node = await AzureStorageOrchestrationEngine.StartNewAsync(Catalog(), connectionString, FailoverOptions(hub, "killed-node"));
    await node.Client.StartAsync(ticker, "ticker", 0);
    await Task.Delay(Timeout.Infinite);
    return 0;
}

var trials = int.Parse(Option("--trials") ?? "3", CultureInfo.InvariantCulture);
var azurite = new AzuriteFixture();
var cosmos = new CosmosEmulatorFixture();
await azurite.InitializeAsync();
await cosmos.InitializeAsync();
try
{
    Console.WriteLine("MNIST session, 3 clients, 6 rounds, 2 combiners: mean seconds of rounds 2-6 (min-max)");
    var embedded = await MeasureRoundsAsync(null);
    var azureLocal = await MeasureRoundsAsync(Settings(azurite, cosmos, "local"));
    var azureFramework = await MeasureRoundsAsync(Settings(azurite, cosmos, "azure-storage"));
    Console.WriteLine($"embedded stores, local runner                 {embedded}");
    Console.WriteLine($"Azurite + Cosmos emulator, local runner       {azureLocal}");
    Console.WriteLine($"Azurite + Cosmos emulator, Durable Task Fw.   {azureFramework}");
    Console.WriteLine($"ratio Durable Task Framework / local runner on the same stores: {azureFramework.Mean / azureLocal.Mean:0.00}x ({(azureFramework.Mean <= 2 * azureLocal.Mean ? "within" : "OVER")} the 2x target)");
    Console.WriteLine();

    Console.WriteLine("engine                         chain of 40 (ms/step)   fan-out of 200 (activities/s)");
    var local = await MeasureLocalAsync();
    var framework = await MeasureFrameworkAsync(azurite.ConnectionString);
    Print("local runner (SQLite)", local);
    Print("Durable Task Framework (Azurite)", framework);
    Console.WriteLine($"ratio Durable Task Framework / local runner: {framework.MsPerStep / local.MsPerStep:0.00}x per chained step, {local.PerSecond / framework.PerSecond:0.00}x time per fanned-out activity");

    Console.WriteLine();
    var defaults = new AzureStorageEngineOptions();
    Console.WriteLine($"failover: lease {defaults.LeaseInterval.TotalSeconds:0} s (renew {defaults.LeaseRenewInterval.TotalSeconds:0} s, acquire {defaults.LeaseAcquireInterval.TotalSeconds:0} s), work items invisible {defaults.WorkItemQueueVisibilityTimeout.TotalSeconds:0} s; target under 20 s");
    List<double> failovers = [];
    for (var trial = 1; trial <= trials; trial++)
    {
        var seconds = await MeasureFailoverAsync(azurite.ConnectionString, $"failover{trial}{Guid.NewGuid():N}"[..20]);
        failovers.Add(seconds);
        Console.WriteLine($"trial {trial}: the next step completed on the standby {seconds:0.0} s after the kill");
    }

    Console.WriteLine($"failover: mean {failovers.Average():0.0} s, worst {failovers.Max():0.0} s ({(failovers.Max() < 20 ? "within" : "OVER")} the 20 s target)");
    return failovers.Max() < 20 ? 0 : 1;
}
finally
{
    await cosmos.DisposeAsync();
    await azurite.DisposeAsync();
}

static Dictionary<string, string?> Settings(AzuriteFixture azurite, CosmosEmulatorFixture cosmos, string engine)
{
    var settings = AzureServerSettings.For(azurite, cosmos, $"rounds{engine.Replace("-", "", StringComparison.Ordinal)}{Guid.NewGuid():N}"[..20]);
    settings["FedN:Durable:Engine"] = engine;
    return settings;
}

static async Task<RoundTimes> MeasureRoundsAsync(Dictionary<string, string?>? settings)
{
    await using var server = await RunningServer.StartAsync(configuration: settings);
    var summary = await FedN.Examples.Mnist.MnistDemo.RunAsync(new FedN.Examples.Mnist.MnistDemoOptions
    {
        DataPath = FedN.Examples.Mnist.MnistDataset.DefaultPath,
        Clients = 3,
        Rounds = 6,
        Shards = 2,
        Server = server.BaseUri,
        AdminToken = server.AdminToken,
    });
    if (summary.Status != FedN.Contracts.Federation.SessionStatus.Completed)
    {
        throw new InvalidOperationException($"the session ended {summary.Status}: {summary.Message}");
    }

    var later = summary.Rounds.Skip(1).Select(round => round.Seconds).ToList();
    return new RoundTimes(later.Average(), later.Min(), later.Max());
}

static async Task<(double MsPerStep, double PerSecond)> MeasureLocalAsync()
{
    var directory = Directory.CreateTempSubdirectory("fedn-bench-engines-");
    try
    {
        var database = Path.Combine(directory.FullName, "fedn.db");
        using var metadata = await SqliteMetadataStore.OpenAsync(database);
        var blobs = new FileSystemBlobStore(new FileSystemBlobStoreOptions { RootDirectory = Path.Combine(directory.FullName, "blobs"), SigningKey = new byte[32], TransferBaseUri = new Uri("http://127.0.0.1/") });
        await using var runner = new LocalOrchestrationRunner(Catalog(), metadata, blobs);
        return await MeasureStepsAsync(runner);
    }
    finally
    {
        directory.Delete(recursive: true);
    }
}

static async Task<(double MsPerStep, double PerSecond)> MeasureFrameworkAsync(string connectionString)
{
    await using var engine = await AzureStorageOrchestrationEngine.StartNewAsync(Catalog(), connectionString, new AzureStorageEngineOptions { TaskHubName = $"steps{Guid.NewGuid():N}"[..20] });
    return await MeasureStepsAsync(engine.Client);
}

static async Task<(double MsPerStep, double PerSecond)> MeasureStepsAsync(IOrchestrationClient client)
{
    // A warm-up run first: JIT, tables and queues.
    await RunAsync(client, new OrchestratorName<int, int>("chain"), "warm-up", 3);
    var chain = await RunAsync(client, new OrchestratorName<int, int>("chain"), "chain", 40);
    var fanOut = await RunAsync(client, new OrchestratorName<int, int>("fan-out"), "fan-out", 200);
    return (chain.TotalMilliseconds / 40, 200 / fanOut.TotalSeconds);
}

static async Task<TimeSpan> RunAsync(IOrchestrationClient client, OrchestratorName<int, int> orchestrator, string instanceId, int steps)
{
    var started = Stopwatch.GetTimestamp();
    await client.StartAsync(orchestrator, instanceId, steps);
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    var done = await client.WaitForCompletionAsync(instanceId, timeout.Token);
    if (done.Status != OrchestrationStatus.Completed || done.ReadOutputAs<int>() != steps)
    {
        throw new InvalidOperationException($"'{instanceId}' ended {done.Status} with {done.Output}: {done.Error}");
    }

    return Stopwatch.GetElapsedTime(started);
}

static async Task<double> MeasureFailoverAsync(string connectionString, string hub)
{
    var start = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
        ? new ProcessStartInfo(Environment.ProcessPath!, [System.Reflection.Assembly.GetEntryAssembly()!.Location])
        : new ProcessStartInfo(Environment.ProcessPath!);
    start.UseShellExecute = false;
    start.Environment[ChildHubVariable] = $"{hub}|{connectionString}";
    using var child = Process.Start(start)!;
    try
    {
        // The child owns the only partition before the standby starts, so the instance is its.
        var client = new AzureStorageOrchestrationEngine(Catalog(), connectionString, FailoverOptions(hub, "standby")).Client;
        await WaitForTickAsync(client, minimum: 5, TimeSpan.FromSeconds(90));
        await using var standby = await AzureStorageOrchestrationEngine.StartNewAsync(Catalog(), connectionString, FailoverOptions(hub, "standby"));
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2000, 5000)));

        var atKill = await WaitForTickAsync(client, minimum: 0, TimeSpan.FromSeconds(5));
        child.Kill();
        var killedAt = Stopwatch.GetTimestamp();
        await WaitForTickAsync(client, minimum: atKill + 2, TimeSpan.FromSeconds(120));
        return Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
    }
    finally
    {
        if (!child.HasExited)
        {
            child.Kill(); // never leave the child running, whatever failed
        }
    }
}

static async Task<int> WaitForTickAsync(IOrchestrationClient client, int minimum, TimeSpan patience)
{
    using var timeout = new CancellationTokenSource(patience);
    while (true)
    {
        if ((await client.GetInstanceAsync("ticker", timeout.Token))?.ReadCustomStatusAs<int>() is { } ticks && ticks >= minimum)
        {
            return ticks;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
    }
}

static AzureStorageEngineOptions FailoverOptions(string hub, string worker) => new() { TaskHubName = hub, PartitionCount = 1, WorkerId = worker };

// chain: N activities in sequence; fan-out: N at once; ticker: an activity and a 200 ms timer per tick, for ever.
static OrchestrationCatalog Catalog() => new OrchestrationCatalog()
    .AddActivity(new ActivityName<int, int>("step"), (value, _) => Task.FromResult(value + 1))
    .AddOrchestrator(new OrchestratorName<int, int>("chain"), async (context, steps) =>
    {
        var value = 0;
        for (var i = 0; i < steps; i++)
        {
            value = await context.CallActivityAsync<int>("step", value);
        }

        return value;
    })
    .AddOrchestrator(new OrchestratorName<int, int>("fan-out"), async (context, steps) =>
        (await Task.WhenAll(Enumerable.Range(0, steps).Select(i => context.CallActivityAsync<int>("step", 0)))).Sum())
    .AddOrchestrator(new OrchestratorName<int, int>("ticker"), async (context, tick) =>
    {
        for (var i = 0; i < 20; i++)
        {
            tick = await context.CallActivityAsync<int>("step", tick);
            context.SetCustomStatus(tick);
            await context.CreateTimer(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        context.ContinueAsNew(tick);
        return tick;
    });

static void Print(string engine, (double MsPerStep, double PerSecond) figures) =>
    Console.WriteLine($"{engine,-32} {figures.MsPerStep,10:0.0} {figures.PerSecond,24:0}");

string? Option(string name) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();

/// <summary>The mean, shortest and longest of some rounds, in seconds.</summary>
internal readonly record struct RoundTimes(double Mean, double Min, double Max)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean:0.00} s ({Min:0.00}-{Max:0.00})");
}
