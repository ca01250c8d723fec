// What telemetry costs a federation: the same MNIST sessions with nobody listening and with the
// OpenTelemetry SDK collecting every FedN span and metric (exported to a sink that counts and drops,
// so the cost is FedN's instrumentation and the SDK, not a network).
//
//   dotnet run -c Release --project bench/FedN.Bench.Telemetry [-- --trials N --clients N]
//
// Each trial runs a session (the local server, N SDK clients over WebSockets, 4 rounds, 2 combiners,
// one local epoch on small shares, so the per-update path weighs more than training) with telemetry
// off, then one with it on; it prints the mean seconds of rounds 2-4 and the process's CPU seconds per
// session side by side, and the ratio. Target: within 5%.
using System.Diagnostics;
using System.Globalization;
using FedN.Client;
using FedN.Examples.Mnist;
using FedN.Reducer.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var trials = int.Parse(Option("--trials") ?? "3", CultureInfo.InvariantCulture);
var clients = int.Parse(Option("--clients") ?? "30", CultureInfo.InvariantCulture);
Console.WriteLine($"MNIST, {clients} clients, 4 rounds, 2 combiners, 1 epoch; {trials} trials of each, alternating");
await RunAsync(clients); // warm-up: JIT, the data file, the dashboard bundle

List<(double Round, double Cpu)> off = [], on = [];
long spans = 0;
for (var trial = 1; trial <= trials; trial++)
{
    off.Add(await RunAsync(clients));
    var sink = new CountingExporter();
    using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ReducerTelemetry.Name, ClientTelemetry.Name).AddProcessor(new BatchActivityExportProcessor(sink)).Build())
    using (var metering = Sdk.CreateMeterProviderBuilder().AddMeter(ReducerTelemetry.Name, FedN.Channel.ChannelTelemetry.Name).Build())
    {
        on.Add(await RunAsync(clients));
        tracing.ForceFlush();
    }

    spans += sink.Exported;
    Console.WriteLine($"trial {trial}: off {off[^1].Round:0.000} s/round, {off[^1].Cpu:0.0} CPU s; on {on[^1].Round:0.000} s/round, {on[^1].Cpu:0.0} CPU s");
}

var roundRatio = on.Average(t => t.Round) / off.Average(t => t.Round);
var cpuRatio = on.Average(t => t.Cpu) / off.Average(t => t.Cpu);
Console.WriteLine($"                    telemetry off    telemetry on    ratio");
Console.WriteLine($"seconds per round   {off.Average(t => t.Round),13:0.000}   {on.Average(t => t.Round),13:0.000}    {roundRatio:0.000}x");
Console.WriteLine($"CPU s per session   {off.Average(t => t.Cpu),13:0.0}   {on.Average(t => t.Cpu),13:0.0}    {cpuRatio:0.000}x");
Console.WriteLine($"spans exported per session: {spans / trials}; {(Math.Max(roundRatio, cpuRatio) <= 1.05 ? "within" : "OVER")} the 5% target");
return 0;

static async Task<(double Round, double Cpu)> RunAsync(int clients)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var summary = await MnistDemo.RunAsync(new MnistDemoOptions
    {
        DataPath = MnistDataset.DefaultPath,
        Clients = clients,
        Rounds = 4,
        Shards = 2,
        Training = new MnistTrainingOptions { Epochs = 1 },
    });
    if (summary.Status != FedN.Contracts.Federation.SessionStatus.Completed)
    {
        throw new InvalidOperationException($"the session {summary.Status}: {summary.Message}");
    }

    return (summary.Rounds.Skip(1).Average(round => round.Seconds), (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
}

string? Option(string name) => Array.IndexOf(args, name) is >= 0 and var at && at + 1 < args.Length ? args[at + 1] : null;

/// <summary>An exporter that counts spans and drops them.</summary>
internal sealed class CountingExporter : BaseExporter<Activity>
{
    public long Exported { get; private set; }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var _ in batch)
        {
            Exported++;
        }

        return ExportResult.Success;
    }
}
