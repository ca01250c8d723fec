using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

// Aggregation benchmark: N updates of S bytes from local files.
//   dotnet run -c Release --project bench/FedN.Bench.Aggregation [-- --sizes 10x100MB,1000x70KB --batches 1,8,16
//       --methods fedavg,median,trimmed-mean,krum,multi-krum,dp-fedavg]
// For each size it prints: read-only time (the bytes read once, page cache warm), aggregation time
// per batch size, a one-shot sum's (all files in one call, folded while its partial is written), throughput in GB/s of update bytes, the ratio aggregation / read, and the peak
// resident memory of the process doing it (each measurement runs in a fresh child process).
// Then each method of --methods end to end (partial, then reduce to a model file), with its time
// and peak memory as ratios to FedAvg's on the same files ("x fedavg", "mem x fedavg").
// Times are the best of five rounds after a first, cold one (JIT tiering, a fresh sum's page faults:
// a one-shot aggregation, as the CLI or a fresh serverless combiner does it), shown as "cold s" and
// "cold ratio" (over the warm read-only time); --repeats sets the rounds after the cold one.
if (args.Length > 0 && args[0] == "--child")
{
    return await Child.RunAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
}

var sizes = Option("--sizes", "10x100MB,1000x70KB").Split(',');
var batches = Option("--batches", "1,8,16").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
var methods = Option("--methods", "fedavg,median,trimmed-mean,krum,multi-krum,dp-fedavg").Split(',', StringSplitOptions.RemoveEmptyEntries);
var repeats = Option("--repeats", "5");
var root = Path.Combine(Path.GetTempPath(), "fedn-bench-" + Environment.ProcessId);
Directory.CreateDirectory(root);
try
{
    Console.WriteLine($"{"workload",-14} {"mode",-12} {"seconds",8} {"GB/s",7} {"ratio",6} {"peak MB",8} {"peak - model MB",16} {"cold s",7} {"cold ratio",10} {"x fedavg",9} {"mem x fedavg",12}");
    foreach (var size in sizes)
    {
        var (count, bytes) = ParseSize(size);
        var dir = Path.Combine(root, size);
        Directory.CreateDirectory(dir);
        await GenerateAsync(dir, count, bytes);
        var total = (double)count * bytes;
        var read = RunChild("read", dir, 0, repeats);
        Print(size, "read only", read, total, read.Seconds, bytes);
        foreach (var batch in batches)
        {
            var aggregate = RunChild("aggregate", dir, batch, repeats);
            Print(size, $"batch {batch}", aggregate, total, read.Seconds, bytes);
        }

        Print(size, "one-shot", RunChild("one-shot", dir, 0, repeats), total, read.Seconds, bytes);

        Measurement? fedavg = null;
        foreach (var method in methods)
        {
            var measured = RunChild($"method:{method}", dir, 0, repeats);
            fedavg ??= method == "fedavg" ? measured : null;
            Print(size, method, measured, total, read.Seconds, bytes, fedavg);
        }

        Directory.Delete(dir, recursive: true);
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

return 0;

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static (int Count, long Bytes) ParseSize(string text)
{
    var parts = text.Split('x');
    var unit = parts[1][^2..].ToUpperInvariant();
    var number = long.Parse(parts[1][..^2], CultureInfo.InvariantCulture);
    return (int.Parse(parts[0], CultureInfo.InvariantCulture), number * (unit == "MB" ? 1_000_000 : unit == "KB" ? 1_000 : 1));
}

static async Task GenerateAsync(string dir, int count, long bytes)
{
    // Four tensors, like a small network: most parameters in the first.
    var elements = bytes / 4;
    var layout = new[] { elements * 7 / 10, elements * 2 / 10, elements - (elements * 7 / 10) - (elements * 2 / 10) - 10, 10L };
    var header = SafetensorsHeader.Create(layout.Select((n, i) => new TensorDeclaration($"layer{i}.weight", DType.F32, [n])));
    var random = new Random(1);
    var buffer = new float[1 << 16];
    for (var u = 0; u < count; u++)
    {
        await using var writer = await SafetensorsWriter.CreateFileAsync(Path.Combine(dir, $"update{u:D5}.safetensors"), header);
        for (long written = 0; written < header.DataLength; written += buffer.Length * 4)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (float)(random.NextDouble() - 0.5);
            }

            var chunk = (int)Math.Min(buffer.Length * 4, header.DataLength - written);
            await writer.WriteAsync(MemoryMarshal.AsBytes(buffer.AsSpan())[..chunk].ToArray());
        }

        await writer.CompleteAsync();
    }
}

static Measurement RunChild(string mode, string dir, int batch, string repeats)
{
    var self = Environment.ProcessPath!;
    var info = new ProcessStartInfo(self) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        info.ArgumentList.Add(typeof(Child).Assembly.Location);
    }

    foreach (var a in new[] { "--child", mode, dir, batch.ToString(CultureInfo.InvariantCulture), repeats })
    {
        info.ArgumentList.Add(a);
    }

    using var child = Process.Start(info)!;
    var line = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
    child.WaitForExit();
    var fields = line.Split(' ');
    return new Measurement(double.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture), double.Parse(fields[2], CultureInfo.InvariantCulture));
}

static void Print(string size, string mode, Measurement m, double totalBytes, double readSeconds, long modelBytes, Measurement? fedavg = null) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size,-14} {mode,-12} {m.Seconds,8:F3} {totalBytes / m.Seconds / 1e9,7:F2} {m.Seconds / readSeconds,6:F2} {m.PeakBytes / 1e6,8:F0} {(m.PeakBytes - modelBytes) / 1e6,16:F0} {m.ColdSeconds,7:F3} {m.ColdSeconds / readSeconds,10:F2}")
        + (fedavg is null ? "" : string.Create(CultureInfo.InvariantCulture, $" {m.Seconds / fedavg.Seconds,9:F2} {(double)m.PeakBytes / fedavg.PeakBytes,12:F2}")));

internal sealed record Measurement(double Seconds, long PeakBytes, double ColdSeconds);

internal static class Child
{
    // The first round runs while the JIT is still tiering code up (cold, as in a fresh serverless
    // instance); it is reported apart. The figure compared is the best of the five rounds after it (the
    // machines are shared, and the best run is the least disturbed).
    public static async Task<int> RunAsync(string mode, string dir, int batch, int repeatsAfterCold)
    {
        var repeats = repeatsAfterCold + 1;
        var files = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToArray();
        var best = double.MaxValue;
        var cold = 0.0;
        for (var r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            if (mode == "read")
            {
                ReadAll(files);
            }
            else if (mode == "one-shot")
            {
                await AggregateAllAtOnceAsync(files);
            }
            else if (mode.StartsWith("method:", StringComparison.Ordinal))
            {
                await RunMethodAsync(files, mode["method:".Length..]);
            }
            else
            {
                await AggregateAsync(files, batch);
            }

            if (r == 0)
            {
                cold = watch.Elapsed.TotalSeconds;
            }
            else
            {
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{best} {PeakResidentBytes()} {cold}"));
        return 0;
    }

    /// <summary>The baseline: every byte of every file read once into a buffer, in 1 MB reads.</summary>
    private static void ReadAll(string[] files)
    {
        var buffer = new byte[1 << 20];
        foreach (var path in files)
        {
            using var handle = File.OpenHandle(path);
            long offset = 0;
            int got;
            while ((got = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                offset += got;
            }
        }
    }

    private static async Task AggregateAsync(string[] files, int batch)
    {
        using var first = SafetensorsReader.OpenFile(files[0]);
        using var accumulator = new WeightedSumAccumulator(first.Header);
        foreach (var chunk in files.Chunk(batch))
        {
            var rejections = await accumulator.AddUpdatesAsync([.. chunk.Select((f, i) => new WeightedUpdate(ModelSource.FromFile(f), 100 + i))]);
            if (rejections.Count > 0)
            {
                throw new InvalidOperationException(rejections[0].Reason);
            }
        }
    }

    /// <summary>
    /// Every file given at once to a one-shot sum (PartialOptions.OneShot), which folds them tile by
    /// tile while its partial is written, here to nowhere (as the read-only baseline reads to nowhere):
    /// no model-sized sum, so no fresh memory to fault in.
    /// </summary>
    private static async Task AggregateAllAtOnceAsync(string[] files)
    {
        using var first = SafetensorsReader.OpenFile(files[0]);
        using var sum = new WeightedSumAccumulator(first.Header, PartialOptions.AllAtOnce);
        var rejections = await sum.AddUpdatesAsync([.. files.Select((f, i) => new WeightedUpdate(ModelSource.FromFile(f), 100 + i))]);
        if (rejections.Count > 0)
        {
            throw new InvalidOperationException(rejections[0].Reason);
        }

        await sum.WriteAsync(Stream.Null);
    }

    /// <summary>A whole round of <paramref name="method"/>: every update into one partial, then the reduce step writing the model to a file.</summary>
    private static async Task RunMethodAsync(string[] files, string method)
    {
        var hyperparameters = method switch
        {
            "trimmed-mean" => AggregatorHyperparameters.Of(("beta", 0.2)),
            "krum" => AggregatorHyperparameters.Of(("byzantine", 2)),
            "multi-krum" => AggregatorHyperparameters.Of(("byzantine", 2), ("selected", Math.Max(1, files.Length / 2))),
            // Clipping happens where the global model is (the combiner) and costs what norm bounding does; this measures the noise.
            "dp-fedavg" => AggregatorHyperparameters.Of(("clipNorm", 1e9), ("noiseMultiplier", 1), ("seed", 1)),
            _ => new AggregatorHyperparameters(),
        };
        var aggregator = Aggregators.Create(method, hyperparameters);
        using var first = SafetensorsReader.OpenFile(files[0]);
        using var partial = aggregator.CreatePartial(first.Header);
        foreach (var chunk in files.Chunk(WeightedSumAccumulator.MaxBatchSize))
        {
            var rejections = await partial.AddUpdatesAsync([.. chunk.Select((f, i) => new WeightedUpdate(ModelSource.FromFile(f), 100 + i))]);
            if (rejections.Count > 0)
            {
                throw new InvalidOperationException(rejections[0].Reason);
            }
        }

        var output = Path.Combine(Path.GetTempPath(), $"fedn-bench-model-{Environment.ProcessId}.safetensors");
        try
        {
            await using var model = File.Create(output);
            await aggregator.ReduceAsync(partial, new ReduceContext { ModelOutput = model });
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static long PeakResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
