using System.CommandLine;
using System.Globalization;
using FedN.Core.Aggregation;
using System.Security.Cryptography;
using FedN.Core.IO;

namespace FedN.Cli.Commands;

/// <summary>
/// <c>fedn model aggregate --method M --out OUT U1:W1 U2:W2 …</c>: one federated round's aggregation
/// on local files, with the same engine the combiners and the reducer use.
/// </summary>
internal static class AggregateCommand
{
    public static Command Create()
    {
        var updates = new Argument<string[]>("updates")
        {
            Description = "Client updates as PATH:WEIGHT, the weight being the number of training examples.",
            Arity = ArgumentArity.OneOrMore,
        };
        var method = new Option<string>("--method", "-m")
        {
            Description = $"Aggregator: {string.Join(", ", Aggregators.Names)}.",
            DefaultValueFactory = _ => "fedavg",
        };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the new model.", Required = true };
        var baseModel = new Option<string?>("--base") { Description = "The current global model (required by every method but plain fedavg)." };
        var state = new Option<string?>("--state") { Description = "Server optimizer state: read if the file exists, written after." };
        var hyperparameters = HyperparameterOptions.Create();
        var normBound = new Option<double?>("--norm-bound") { Description = "Clip each update's L2 distance to --base onto this bound before aggregating (a defence that composes with every method)." };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Aggregate the valid updates and report the others, instead of failing." };

        var command = new Command("aggregate", "Aggregate client updates into a new global model with any registered method (docs/aggregation.md).")
        {
            updates, method, output, baseModel, state, normBound, skipInvalid,
        };
        hyperparameters.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var aggregator = Aggregators.Create(parse.GetValue(method)!, hyperparameters.Read(parse));
            var bound = aggregator.ClipNorm is { } clip ? Math.Min(clip, parse.GetValue(normBound) ?? clip) : parse.GetValue(normBound);
            await RunAsync(aggregator, [.. parse.GetValue(updates)!.Select(ParseUpdate)], parse.GetValue(output)!, parse.GetValue(baseModel), parse.GetValue(state), bound, parse.GetValue(skipInvalid), ct);
        }));
        return command;
    }

    private static async Task RunAsync(IAggregator aggregator, List<(string Path, double Weight)> updates, string output, string? baseModel, string? statePath, double? bound, bool skipInvalid, CancellationToken ct)
    {
        if (aggregator.RequiresGlobalModel && baseModel is null)
        {
            throw new CliFailure($"--method {aggregator.Name} needs --base GLOBAL.safetensors (the current global model)");
        }

        if (bound is not null && baseModel is null)
        {
            throw new CliFailure($"clipping (--norm-bound, or {aggregator.Name}'s own) needs --base GLOBAL.safetensors to measure each update's distance from");
        }

        var clipped = bound is null ? null : Directory.CreateTempSubdirectory("fedn-clip-");
        try
        {
            if (bound is { } limit)
            {
                updates = await ClipAsync(updates, baseModel!, limit, clipped!.FullName, ct);
            }

            try
            {
                await AggregateAsync(aggregator, updates, output, baseModel, statePath, skipInvalid, PartialOptions.AllAtOnce, ct);
            }
            catch (InvalidDataException)
            {
                // A one-shot sum stops at the first bad value it folds. The streaming sum checks every
                // update on its own, so it names all the bad ones (or, with --skip-invalid, leaves them out).
                await AggregateAsync(aggregator, updates, output, baseModel, statePath, skipInvalid, PartialOptions.Streaming, ct);
            }
        }
        finally
        {
            clipped?.Delete(recursive: true);
        }
    }

    private static async Task AggregateAsync(IAggregator aggregator, List<(string Path, double Weight)> updates, string output, string? baseModel, string? statePath, bool skipInvalid, PartialOptions options, CancellationToken ct)
    {
        // The schema every update must match: the global model's, or else the first update's.
        var schemaPath = baseModel ?? updates[0].Path;
        await using (var schemaReader = CommandRunner.OpenModel(schemaPath))
        {
            using var partial = aggregator.CreatePartial(schemaReader.Header, options);
            var rejections = await partial.AddUpdatesAsync([.. updates.Select(u => new WeightedUpdate(ModelSource.FromFile(u.Path), u.Weight))], ct);
            foreach (var rejection in rejections)
            {
                await Console.Error.WriteLineAsync($"fedn: {rejection.Id}: {rejection.Reason}");
            }

            if (rejections.Count > 0 && !skipInvalid)
            {
                throw new CliFailure($"{rejections.Count} of {updates.Count} updates are invalid; nothing was written (--skip-invalid aggregates the rest)");
            }

            if (partial.Count == 0)
            {
                throw new CliFailure("no valid update to aggregate; nothing was written");
            }

            await using var modelFile = AtomicFile.Create(output);
            await using var stateFile = aggregator.RequiresGlobalModel && statePath is not null ? AtomicFile.Create(statePath) : null;
            var result = await aggregator.ReduceAsync(partial, new ReduceContext
            {
                ModelOutput = modelFile.Stream,
                GlobalModel = baseModel is null ? null : ModelSource.FromFile(baseModel),
                OptimizerState = statePath is not null && File.Exists(statePath) ? ModelSource.FromFile(statePath) : null,
                OptimizerStateOutput = stateFile?.Stream ?? Stream.Null,
                NoiseSeed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))),
            }, ct);
            await modelFile.CommitAsync(ct);
            if (stateFile is not null)
            {
                await stateFile.CommitAsync(ct);
            }

            var step = result.OptimizerStep > 0 ? $", optimizer step {result.OptimizerStep}" : "";
            await Console.Out.WriteLineAsync($"{aggregator.Name}: {result.Count} updates, {result.TotalWeight.ToString(CultureInfo.InvariantCulture)} examples{step} -> {output}");
        }
    }

    /// <summary>Each update further than <paramref name="bound"/> from the base, replaced by a copy clipped onto the bound.</summary>
    private static async Task<List<(string Path, double Weight)>> ClipAsync(List<(string Path, double Weight)> updates, string baseModel, double bound, string folder, CancellationToken ct)
    {
        using var global = CommandRunner.OpenModel(baseModel);
        List<(string Path, double Weight)> result = [];
        foreach (var (path, weight) in updates)
        {
            using var update = CommandRunner.OpenModel(path);
            var distance = await UpdateNorm.DistanceAsync(global, update, ct);
            if (!(distance > bound))
            {
                result.Add((path, weight));
                continue;
            }

            var copy = System.IO.Path.Combine(folder, $"{result.Count}-{System.IO.Path.GetFileName(path)}");
            await using (var file = File.Create(copy))
            {
                await UpdateNorm.WriteScaledAsync(global, update, bound / distance, file, ct);
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"fedn: {path}: {distance:G4} from the base, clipped onto {bound:G4}"));
            result.Add((copy, weight));
        }

        return result;
    }

    private static (string Path, double Weight) ParseUpdate(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !double.TryParse(text.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
        {
            throw new CliFailure($"'{text}' is not PATH:WEIGHT (for example u1.safetensors:600, the weight being the number of training examples)");
        }

        return (text[..colon], weight);
    }
}
