using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Core;
using FedN.Core.Aggregation;
using FedN.Examples.Mnist;
using FedN.Examples.Mnist.Attacks;

namespace FedN.Cli.Commands;

/// <summary><c>fedn demo</c>: the main job, a real federation on MNIST.</summary>
internal static class DemoCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new(FedNJson.Options) { WriteIndented = true };

    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Clients, each with its own share of the digits.", DefaultValueFactory = _ => 5 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds.", DefaultValueFactory = _ => 5 };
        var aggregator = new Option<string>("--aggregator") { Description = $"How updates are combined: {string.Join(", ", Aggregators.Names)}.", DefaultValueFactory = _ => "fedavg" };
        var alpha = new Option<double>("--alpha") { Description = "Dirichlet concentration of the split: 0.1 is very skewed, 100 is nearly even.", DefaultValueFactory = _ => 0.5 };
        var shards = new Option<int>("--shards") { Description = "Combiners aggregating in parallel.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seeds the split, the initial model and the training.", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => new MnistTrainingOptions().Epochs };
        var json = new Option<string?>("--json") { Description = "Also write a JSON summary to this file." };
        var server = new Option<string[]>("--server") { Description = "Run the clients and the session against this server instead of starting one (needs --token); repeat it for several nodes of one deployment: the session starts on the first, the clients spread over all.", AllowMultipleArgumentsPerToken = false };
        // Read from the environment when absent, never as a default value: help prints defaults.
        var token = new Option<string?>("--token") { Description = $"The server's admin token; prefer ${ServerOptions.TokenVariable} (a command line shows in ps)." };
        var data = new Option<string?>("--data") { Description = "The MNIST file (default: the 10,000 digits shipped with FedN, examples/mnist)." };
        var attack = new Option<MnistAttack>("--attack") { Description = "What the malicious clients do: label-flip (train on 9 − y), backdoor (a trigger patch relabels half their digits as 0), scale (update × 10^6, claiming 10^9 examples) or sign-flip (update × −4).", CustomParser = ParseAttack };
        var malicious = new Option<double>("--malicious") { Description = "The fraction of the clients that attack (the last ones), for example 0.2." };
        var iid = new Option<bool>("--iid") { Description = "Split the digits evenly among the clients (balanced IID, as in the FEDn lecture's attack experiments) instead of by --alpha." };
        var maxWeight = new Option<long>("--max-example-weight") { Description = "The session's cap on one update's weight.", DefaultValueFactory = _ => SessionConfig.DefaultMaxExampleWeight };
        var normBound = new Option<double?>("--update-norm-bound") { Description = "The session's bound on an update's L2 distance from the global model (clipped onto it)." };
        var command = new Command("demo", "Federated learning on real MNIST digits: a local server, clients with non-IID shares training a small MLP, FedAvg rounds with validation.")
        {
            clients, rounds, aggregator, alpha, iid, shards, seed, epochs, json, server, token, data, attack, malicious, maxWeight, normBound,
        };
        var hyperparameters = HyperparameterOptions.Create();
        hyperparameters.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var options = new MnistDemoOptions
            {
                DataPath = parse.GetValue(data) ?? MnistDataset.DefaultPath,
                Clients = parse.GetValue(clients),
                Rounds = parse.GetValue(rounds),
                Aggregator = parse.GetValue(aggregator)!,
                Hyperparameters = hyperparameters.Read(parse) is { Count: > 0 } given ? given : null,
                Alpha = parse.GetValue(alpha),
                Shards = parse.GetValue(shards),
                Seed = parse.GetValue(seed),
                Training = new MnistTrainingOptions { Epochs = parse.GetValue(epochs) },
                Server = parse.GetValue(server) is [var first, ..] ? new Uri(first) : null,
                ClientServers = parse.GetValue(server) is { Length: > 1 } nodes ? [.. nodes.Select(node => new Uri(node))] : null,
                AdminToken = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(ServerOptions.TokenVariable),
                Attack = parse.GetValue(attack),
                Malicious = parse.GetValue(malicious),
                Iid = parse.GetValue(iid),
                MaxExampleWeight = parse.GetValue(maxWeight),
                UpdateNormBound = parse.GetValue(normBound),
            };
            var split = options.Iid ? "balanced IID" : $"Dirichlet alpha {Number(options.Alpha)}";
            var hostile = options.AttackerCount > 0 ? $", {options.AttackerCount} attacking ({AttackName(options.Attack)})" : "";
            await Console.Out.WriteLineAsync($"MNIST: {options.Clients} clients ({split}{hostile}), {options.Rounds} rounds of {options.Aggregator}, {options.Shards} combiner(s), {(options.Server is null ? "local server" : options.Server.ToString())}");
            await Console.Out.WriteLineAsync("round  clients  train loss  val accuracy  test accuracy  backdoor  seconds");
            var summary = await MnistDemo.RunAsync(options, round =>
            {
                Console.Out.WriteLine($"{round.Round,5}  {round.Clients,7}  {Number(round.Loss),10}  {Number(round.Accuracy),12}  {Number(round.TestAccuracy),13}  {Number(round.BackdoorSuccess),8}  {round.Seconds.ToString("0.0", CultureInfo.InvariantCulture),7}");
                if (round.Warning is { } warning)
                {
                    Console.Error.WriteLine($"fedn: warning: round {round.Round}: {warning}");
                }
            }, cancellationToken: ct);
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(summary, IndentedJson), ct);
            }

            if (summary.Status != Contracts.Federation.SessionStatus.Completed)
            {
                throw new CliFailure($"session {summary.SessionId} {summary.Status.ToString().ToLowerInvariant()}: {summary.Message}");
            }

            if (summary is { Traffic: { } traffic, TrafficToDataRatio: { } ratio })
            {
                // The lecture's communication slide: what federating cost against the data that never moved.
                await Console.Out.WriteLineAsync($"traffic: {ByteSize.Format(traffic.BytesDown)} down and {ByteSize.Format(traffic.BytesUp)} up over {summary.Rounds.Count} rounds, "
                    + $"{ratio.ToString("0.00", CultureInfo.InvariantCulture)}x the {ByteSize.Format(summary.DataBytes)} of digits that stayed on the clients");
            }

            var warned = summary.Rounds.Count(round => round.Warning is not null);
            await Console.Out.WriteLineAsync($"final accuracy {Number(summary.FinalAccuracy)} after {summary.Rounds.Count} rounds in {summary.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s (session {summary.SessionId}); "
                + $"test accuracy {Number(summary.FinalTestAccuracy)}, backdoor success {Number(summary.FinalBackdoorSuccess)}"
                + (warned > 0 ? $"; warning: in {warned} round(s) most updates were refused, so this model is likely not what was meant" : ""));
        }));
        return command;
    }

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string AttackName(MnistAttack attack) => attack switch
    {
        MnistAttack.LabelFlip => "label-flip",
        MnistAttack.SignFlip => "sign-flip",
        _ => attack.ToString().ToLowerInvariant(),
    };

    private static MnistAttack ParseAttack(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var attack = Enum.GetValues<MnistAttack>().FirstOrDefault(a => AttackName(a) == text);
        if (attack == MnistAttack.None)
        {
            result.AddError($"--attack '{text}' is not one of label-flip, backdoor, scale, sign-flip");
        }

        return attack;
    }
}
