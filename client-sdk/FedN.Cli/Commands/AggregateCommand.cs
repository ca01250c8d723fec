using System.CommandLine;
using System.Globalization;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
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
        var serverLearningRate = new Option<double?>("--server-lr") { Description = "Server learning rate η." };
        var momentum = new Option<double?>("--momentum") { Description = "fedavgm: server momentum β." };
        var beta1 = new Option<double?>("--beta1") { Description = "fedadam, fedyogi, fedadagrad: β₁." };
        var beta2 = new Option<double?>("--beta2") { Description = "fedadam, fedyogi: β₂." };
        var tau = new Option<double?>("--tau") { Description = "fedadam, fedyogi, fedadagrad: adaptivity τ." };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Aggregate the valid updates and report the others, instead of failing." };

        var command = new Command("aggregate", "Aggregate client updates into a new global model (FedAvg or a FedOpt server optimizer).")
        {
            updates, method, output, baseModel, state, serverLearningRate, momentum, beta1, beta2, tau, skipInvalid,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var aggregator = Aggregators.Create(parse.GetValue(method)!, new AggregatorHyperparameters
            {
                ServerLearningRate = parse.GetValue(serverLearningRate),
                Momentum = parse.GetValue(momentum),
                Beta1 = parse.GetValue(beta1),
                Beta2 = parse.GetValue(beta2),
                Tau = parse.GetValue(tau),
            });
            await RunAsync(aggregator, [.. parse.GetValue(updates)!.Select(ParseUpdate)], parse.GetValue(output)!, parse.GetValue(baseModel), parse.GetValue(state), parse.GetValue(skipInvalid), ct);
        }));
        return command;
    }

    private static async Task RunAsync(IAggregator aggregator, List<(string Path, double Weight)> updates, string output, string? baseModel, string? statePath, bool skipInvalid, CancellationToken ct)
    {
        if (aggregator.RequiresGlobalModel && baseModel is null)
        {
            throw new CliFailure($"--method {aggregator.Name} needs --base GLOBAL.safetensors (the current global model)");
        }

        // The schema every update must match: the global model's, or else the first update's.
        var schemaPath = baseModel ?? updates[0].Path;
        await using (var schemaReader = CommandRunner.OpenModel(schemaPath))
        {
            var partial = aggregator.CreatePartial(schemaReader.Header);
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
