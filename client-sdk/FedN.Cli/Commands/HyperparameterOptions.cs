using System.CommandLine;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation;

namespace FedN.Cli.Commands;

/// <summary>
/// One option per hyperparameter name in the aggregator registry (<c>--server-lr</c>, <c>--beta</c>,
/// <c>--clip-norm</c>, …), each saying which methods take it: a new strategy's hyperparameters
/// appear in the CLI without a change here.
/// </summary>
internal sealed class HyperparameterOptions
{
    private readonly List<(Hyperparameter Hyperparameter, Option<double?> Option)> _options;

    private HyperparameterOptions(List<(Hyperparameter, Option<double?>)> options) => _options = options;

    public static HyperparameterOptions Create() => new([.. Aggregators.All
        .SelectMany(strategy => strategy.Hyperparameters.Select(h => (Strategy: strategy.Name, Hyperparameter: h)))
        .GroupBy(pair => pair.Hyperparameter.Name, StringComparer.Ordinal)
        .Select(group =>
        {
            var first = group.First().Hyperparameter;
            var takers = string.Join(", ", group.Select(pair => pair.Strategy));
            return (first, new Option<double?>($"--{first.CliName}") { Description = $"{takers}: {first.Description}." });
        })]);

    public void AddTo(Command command)
    {
        foreach (var (_, option) in _options)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The values given on the command line (the method checks which it takes).</summary>
    public AggregatorHyperparameters Read(ParseResult parse) =>
        new(_options.Where(o => parse.GetValue(o.Option) is not null).Select(o => KeyValuePair.Create(o.Hyperparameter.Name, parse.GetValue(o.Option)!.Value)));
}
