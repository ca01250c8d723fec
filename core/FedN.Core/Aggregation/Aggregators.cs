using FedN.Contracts.Federation;
using FedN.Core.Aggregation.ServerOptimizers;

namespace FedN.Core.Aggregation;

/// <summary>Creates aggregators by name, with hyperparameters that default per method.</summary>
public static class Aggregators
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fedavg", "fedavgm", "fedadam", "fedyogi", "fedadagrad"];

    /// <summary>The hyperparameters (their JSON names) the aggregator called <paramref name="name"/> takes; empty for an unknown name.</summary>
    public static IReadOnlyList<string> HyperparametersOf(string name) => name?.ToLowerInvariant() switch
    {
        "fedavg" => ["serverLearningRate"],
        "fedavgm" => ["serverLearningRate", "momentum"],
        "fedadam" or "fedyogi" => ["serverLearningRate", "beta1", "beta2", "tau"],
        "fedadagrad" => ["serverLearningRate", "beta1", "tau"],
        _ => [],
    };

    /// <summary>
    /// Checks a session's configuration: its ranges (<see cref="SessionConfig.Check"/>), that its
    /// aggregator exists and that it sets only hyperparameters that aggregator takes.
    /// </summary>
    /// <exception cref="ArgumentException">The first problem, named.</exception>
    public static void CheckSession(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Check();
        if (!Names.Contains(config.Aggregator, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"unknown aggregator '{config.Aggregator}'; choose one of {string.Join(", ", Names)}");
        }

        var takes = HyperparametersOf(config.Aggregator);
        var unused = config.Hyperparameters.SetNames().Except(takes).ToList();
        if (unused.Count > 0)
        {
            throw new ArgumentException($"{config.Aggregator.ToLowerInvariant()} does not take {string.Join(", ", unused)}; its hyperparameters are {string.Join(", ", takes)} (docs/aggregation.md)");
        }
    }

    /// <summary>Creates the aggregator called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name, or a hyperparameter out of range.</exception>
    public static IAggregator Create(string name, AggregatorHyperparameters? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var h = hyperparameters ?? new AggregatorHyperparameters();
        h.Validate();
        ServerOptimizer optimizer = name.ToLowerInvariant() switch
        {
            "fedavg" => new FedAvgOptimizer(h.ServerLearningRate ?? 1.0),
            "fedavgm" => new FedAvgMOptimizer(h.ServerLearningRate ?? 1.0, h.Momentum ?? 0.9),
            "fedadam" => new FedAdamOptimizer(h.ServerLearningRate ?? 0.1, h.Beta1 ?? 0.9, h.Beta2 ?? 0.99, h.Tau ?? 1e-9),
            "fedyogi" => new FedYogiOptimizer(h.ServerLearningRate ?? 0.01, h.Beta1 ?? 0.9, h.Beta2 ?? 0.99, h.Tau ?? 1e-3),
            "fedadagrad" => new FedAdaGradOptimizer(h.ServerLearningRate ?? 0.1, h.Beta1 ?? 0.9, h.Tau ?? 1e-9),
            _ => throw new ArgumentException($"unknown aggregator '{name}'; choose one of {string.Join(", ", Names)}", nameof(name)),
        };
        return new FedOptAggregator(optimizer);
    }
}
