// Metadata throughput: what one server process gets from a metadata store for the operations a
// round makes most of: client heartbeats (patch), update counters (patch increment), point reads,
// and listing a session's rounds a page at a time.
//
//   dotnet run -c Release --project bench/FedN.Bench.Metadata [-- --cosmos CONNECTION_STRING] [--concurrency N]
//
// Without --cosmos it measures the embedded SQLite store (full sync: every write reaches the disk).
// With --cosmos it measures Cosmos DB through the emulator compatibility layer when the endpoint is
// on 127.0.0.1 (the emulator's figures say little about Azure; they check the adapter's overhead).
using System.Diagnostics;
using FedN.Contracts.Federation;
using FedN.Storage.Azure;
using FedN.Storage.Embedded;
using FedN.Storage.Metadata;

var cosmos = Option("--cosmos");
var concurrency = int.Parse(Option("--concurrency") ?? "8", System.Globalization.CultureInfo.InvariantCulture);
const int Clients = 200, OperationsPerKind = 4000;
var directory = Directory.CreateTempSubdirectory("fedn-bench-metadata-");
try
{
    IMetadataStore store = cosmos is null
        ? await SqliteMetadataStore.OpenAsync(Path.Combine(directory.FullName, "fedn.db"))
        : await CosmosMetadataStore.CreateAsync(new CosmosMetadataStoreOptions
        {
            ConnectionString = cosmos,
            DatabaseName = $"bench-{Guid.NewGuid():N}",
            Emulator = CosmosMetadataStore.IsLocalEndpoint(cosmos),
        });
    var metadata = new FederationMetadata(store);
    var now = DateTimeOffset.UtcNow;
    Console.WriteLine($"store: {(cosmos is null ? "SQLite (embedded, WAL, synchronous=FULL)" : "Cosmos DB")}; {concurrency} concurrent callers, {OperationsPerKind} operations per kind");
    Console.WriteLine($"{"operation",-34} {"ops/s",9} {"mean ms",9}");

    await Measure("register client (create)", Clients, i => metadata.Clients.RecordConnectedAsync($"c{i}", now));
    await Measure("heartbeat (patch lastSeen)", OperationsPerKind, i => metadata.Clients.RecordSeenAsync($"c{i % Clients}", now.AddSeconds(i)));
    await metadata.Rounds.CreateAsync(new RoundRecord { SessionId = "s", Round = 1, InputModelId = "seed" });
    await Measure("count update (patch increment)", OperationsPerKind, _ => metadata.Rounds.CountUpdatesAsync("s", 1, received: 1));
    await Measure("read client (point read)", OperationsPerKind, i => metadata.Clients.GetAsync($"c{i % Clients}"));
    for (var round = 2; round <= 200; round++)
    {
        await metadata.Rounds.CreateAsync(new RoundRecord { SessionId = "s", Round = round, InputModelId = "seed" });
    }

    await Measure("list 100 rounds (ordered page)", OperationsPerKind / 10, _ => metadata.Rounds.ListAsync("s", new PageRequest(100)));
    var counted = (await metadata.Rounds.GetAsync("s", 1))!.Value.UpdatesReceived;
    Console.WriteLine($"counter check: {counted} of {OperationsPerKind} increments stored");
    (store as IDisposable)?.Dispose();
}
finally
{
    directory.Delete(recursive: true);
}

async Task Measure(string name, int count, Func<int, Task> operation)
{
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
        {
            await operation(i);
        }
    })));
    var seconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"{name,-34} {count / seconds,9:F0} {seconds * 1000 * concurrency / count,9:F2}");
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
