// Load: N SDK clients against one server node, to measure the per-update path (reports, intake,
// durable writes, transfers), not the arithmetic. The server is this program again in a process of
// its own (or one given by URL), so its CPU time, peak memory and system calls are its own. Each client
// "trains" by copying the global model.
//
//   dotnet run -c Release --project bench/FedN.Bench.Load -- [--clients N] [--rounds R] [--repeats K]
//       [--model-kb KB] [--shards S] [--strace] [--smoke] [--setting FedN__Key=value ...]
//       [--server URL --admin-token TOKEN]
//
// Per round it prints the phases, updates/s and the server's CPU; then the server's CPU outside
// rounds (before round 1, between rounds, after the last) and for the whole session, and its peak
// memory. --strace attaches strace to the server to count its system calls and fsyncs (slower:
// report those runs apart from timed ones). --smoke (CI) is N = 200, one round, and fails unless
// every update was aggregated. --setting passes settings to the server as environment variables
// (FedN__* for Azure storage, say, or DOTNET_* runtime knobs).
using System.Diagnostics;
using System.Globalization;
using FedN.Bench.Load;
using FedN.Client;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core.Safetensors;
using FedN.Security;

if (Environment.GetEnvironmentVariable(ServerChild.DataVariable) is { Length: > 0 } served)
{
    return await ServerChild.ServeAsync(served, int.Parse(Environment.GetEnvironmentVariable(ServerChild.PortVariable)!, CultureInfo.InvariantCulture));
}

var smoke = args.Contains("--smoke");
var clients = Count("--clients", smoke ? 200 : 1000);
var rounds = Count("--rounds", smoke ? 1 : 3);
var repeats = Count("--repeats", 1);
var modelKilobytes = Count("--model-kb", 70);
var shards = Count("--shards", 1);
var countSystemCalls = args.Contains("--strace");
var external = Option("--server") is { } url ? new Uri(url) : null;
if (external is not null && Option("--admin-token") is null)
{
    Console.Error.WriteLine("--server needs --admin-token (an admin token of that server)");
    return 2;
}

var settings = Options("--setting").Select(setting => setting.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "");

Console.WriteLine($"{clients} clients, {rounds} round(s), {modelKilobytes} kB updates, {shards} shard(s), {Environment.ProcessorCount} cores; server: {external?.ToString() ?? (settings.Count == 0 ? "embedded stores" : string.Join(' ', settings.Keys))}");
Console.WriteLine($"{"run",3} {"round",5} {"agg/N",11} {"round s",8} {"plan>1st",8} {"spread",7} {"last rep",8} {"rep>commit",10} {"upd/s",7} {"cpu s",6} {"cpu ms/upd",10}");
const string ClientScratch = "/dev/shm";
var allAggregated = true;
for (var repeat = 1; repeat <= repeats; repeat++)
{
    allAggregated &= await RunAsync(repeat);
}

return allAggregated ? 0 : 1;

async Task<bool> RunAsync(int repeat)
{
    var data = Directory.CreateTempSubdirectory("fedn-bench-load-");

    // The clients stand for other machines: their task files (created and deleted by the thousand
    // each round) go to memory where there is a tmpfs, not to the filesystem the server's data is on.
    var clientFiles = Directory.CreateDirectory(Path.Combine(Directory.Exists(ClientScratch) ? ClientScratch : data.FullName, $"{data.Name}-clients"));
    try
    {
        await using var server = external is null ? await ServerChild.StartAsync(Path.Combine(data.FullName, "server"), settings) : null;
        var baseUri = external ?? server!.BaseUri;
        var adminToken = Option("--admin-token");
        AccessTokens? tokens = null;
        if (server is not null)
        {
            tokens = new AccessTokens(await AuthSigningKey.LoadAsync(null, server.DataDirectory));
            adminToken = tokens.Create(AccessTokenRoles.Admin, null, TimeSpan.FromDays(1));
        }

        using var admin = new FedNApiClient(baseUri, adminToken!);
        await using var probe = server is null ? null : new ProcessProbe(server.ProcessId);
        var clientTokens = new List<string>(clients);
        for (var i = 0; i < clients; i++)
        {
            var id = $"load-{i:D5}";
            clientTokens.Add(tokens?.Create(AccessTokenRoles.Client, id, TimeSpan.FromDays(1)) ?? (await admin.CreateTokenAsync(new CreateTokenRequest { Role = AccessTokenRoles.Client, ClientId = id, Days = 1 })).Token);
        }

        // The SDK's footprint per idle connected client, in this process.
        var (residentBefore, heapBefore) = ClientProcessMemory();
        await using var load = new LoadClients(clientFiles.FullName);
        var connecting = Stopwatch.StartNew();
        load.Start(baseUri, clientTokens, TimeSpan.FromSeconds(10));
        while (load.Connected < clients)
        {
            if (connecting.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"only {load.Connected} of {clients} clients connected within 5 minutes");
            }

            await Task.Delay(100);
        }

        var connectSeconds = connecting.Elapsed.TotalSeconds;
        var (residentAfter, heapAfter) = ClientProcessMemory();
        Console.WriteLine($"  {clients} clients connected in {connectSeconds:F1} s; SDK per idle connected client: {(residentAfter - residentBefore) * 1024 / clients:F0} kB resident, {(heapAfter - heapBefore) / 1024.0 / clients:F1} kB managed heap");

        var seed = Path.Combine(data.FullName, "seed.safetensors");
        await WriteSeedAsync(seed, modelKilobytes);
        ModelRecord model;
        await using (var file = File.OpenRead(seed))
        {
            model = await admin.UploadModelAsync(file, description: "load benchmark seed");
        }

        var cpuBefore = probe?.CpuSecondsNow() ?? 0;
        await using var systemCalls = countSystemCalls && server is not null ? await SystemCallCounter.AttachAsync(server.ProcessId) : null;
        var session = await admin.CreateSessionAsync(new CreateSessionRequest
        {
            Name = $"load {clients}",
            SeedModelId = model.Id,
            Start = true,
            Config = new SessionConfig { Rounds = rounds, MinClients = clients, ClientsPerRound = clients, Shards = shards, Validate = false, RoundTimeout = TimeSpan.FromMinutes(15) },
        });
        SessionStatusView status;
        while ((status = await admin.GetSessionStatusAsync(session.Id)).Status is SessionStatus.Created or SessionStatus.Running or SessionStatus.Stopping)
        {
            await Task.Delay(500);
        }

        var counted = systemCalls is null ? ((long Syncs, long Calls)?)null : await systemCalls.StopAsync();
        var cpuAll = (probe?.CpuSecondsNow() ?? 0) - cpuBefore;
        var records = (await admin.ListRoundsAsync(session.Id, pageSize: 100)).Items.OrderBy(round => round.Round).ToList();
        var complete = status.Status == SessionStatus.Completed && records.Count == rounds;
        long aggregated = 0;
        foreach (var round in records)
        {
            var marks = load.Round(round.Round);
            var ended = round.EndedAt ?? DateTimeOffset.UtcNow;
            var seconds = (ended - round.StartedAt).TotalSeconds;
            var cpu = probe is null ? double.NaN : probe.CpuSecondsAt(ended) - probe.CpuSecondsAt(round.StartedAt);
            aggregated += round.UpdatesAggregated;
            complete &= round.UpdatesAggregated == clients;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{repeat,3} {round.Round,5} {$"{round.UpdatesAggregated}/{clients}",11} {seconds,8:F2} {Seconds(round.StartedAt, marks.FirstTask),8} {Seconds(marks.FirstTask, marks.LastTask),7} {Seconds(marks.FirstTask, marks.LastReport),8} {Seconds(marks.LastReport, round.EndedAt),10} {round.UpdatesAggregated / seconds,7:F0} {cpu,6:F2} {cpu * 1000 / Math.Max(1, round.UpdatesAggregated),10:F2}"));
        }

        if (probe is not null && records.Count > 0)
        {
            // Where a session's CPU goes outside its rounds: starting it, from one round's end to the next one's start, and closing it.
            var first = probe.CpuSecondsAt(records[0].StartedAt) - cpuBefore;
            var between = records.Zip(records.Skip(1), (previous, next) => probe.CpuSecondsAt(next.StartedAt) - probe.CpuSecondsAt(previous.EndedAt ?? next.StartedAt)).Sum();
            var last = cpuBefore + cpuAll - probe.CpuSecondsAt(records[^1].EndedAt ?? DateTimeOffset.UtcNow);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  server outside rounds: {first:F2} CPU s before round 1, {between:F2} between rounds ({between * 1000 / Math.Max(1, records.Count - 1):F0} ms each), {last:F2} after the last"));
        }

        if (probe is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  server: {cpuAll:F1} CPU s for the session, {cpuAll * 1000 / Math.Max(1, aggregated):F2} ms per update; peak resident {probe.PeakResidentMegabytes():F0} MB{(counted is { } calls ? $"; per update {(double)calls.Syncs / Math.Max(1, aggregated):F2} fsync/fdatasync calls ({calls.Syncs} in all) and {(double)calls.Calls / Math.Max(1, aggregated):F1} system calls (futex and epoll_wait left out)" : "")}"));
        }

        if (!complete)
        {
            Console.WriteLine($"  NOT COMPLETE: session {status.Status} ({status.Message}), {records.Count} of {rounds} rounds, {aggregated} of {rounds * clients} updates aggregated; {load.Failures} client task failures (last: {load.LastFailure})");
        }

        return complete;
    }
    finally
    {
        clientFiles.Refresh();
        if (clientFiles.Exists)
        {
            clientFiles.Delete(recursive: true);
        }

        data.Delete(recursive: true);
    }
}

static string Seconds(DateTimeOffset? from, DateTimeOffset? to) =>
    from is { } start && to is { } end ? ((end - start).TotalSeconds).ToString("F2", CultureInfo.InvariantCulture) : "-";

static (double ResidentMegabytes, long ManagedBytes) ClientProcessMemory()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    return (ProcessProbe.ReadStatusKilobytes(Environment.ProcessId, "VmRSS:") / 1024.0, GC.GetTotalMemory(forceFullCollection: true));
}

static async Task WriteSeedAsync(string path, int kilobytes)
{
    var elements = kilobytes * 1024L / sizeof(float);
    var header = SafetensorsHeader.Create([new TensorDeclaration("weight", DType.F32, [elements])]);
    var values = new byte[elements * sizeof(float)];
    var random = new Random(7);
    for (var i = 0; i < elements; i++)
    {
        BitConverter.TryWriteBytes(values.AsSpan(i * sizeof(float)), (float)(random.NextDouble() - 0.5));
    }

    await using var writer = await SafetensorsWriter.CreateFileAsync(path, header);
    await writer.WriteAsync(values);
    await writer.CompleteAsync();
}

// A positive whole number given after name, or fallback when it is absent.
int Count(string name, int fallback)
{
    var text = Option(name);
    if (text is null)
    {
        return fallback;
    }

    if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
    {
        return value;
    }

    Console.Error.WriteLine($"{name} takes a positive whole number, not '{text}'");
    Environment.Exit(2);
    return 0;
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

IEnumerable<string> Options(string name) => args.Select((arg, i) => (arg, i)).Where(pair => pair.arg == name && pair.i + 1 < args.Length).Select(pair => args[pair.i + 1]);
