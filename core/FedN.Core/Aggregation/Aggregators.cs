using FedN.Contracts.Federation;
using FedN.Core.Aggregation.Strategies;

namespace FedN.Core.Aggregation;

/// <summary>
/// The registry of aggregation strategies, by name: the one list the CLI's help, the API's checks,
/// the configuration reference and the dashboard read. A host registers strategies of its own at
/// startup with <see cref="Register"/> (every process that combines or reduces must register it).
/// </summary>
public static class Aggregators
{
    private static readonly Lock Gate = new();
    private static AggregationStrategy[] s_strategies =
    [
        new FedAvgStrategy(),
        new FedAvgMStrategy(),
        new FedAdamStrategy(),
        new FedYogiStrategy(),
        new FedAdaGradStrategy(),
        new MedianStrategy(),
        new TrimmedMeanStrategy(),
        KrumStrategy.Krum,
        KrumStrategy.MultiKrum,
        new DpFedAvgStrategy(),
    ];

    /// <summary>Every registered strategy, in registration order.</summary>
    public static IReadOnlyList<AggregationStrategy> All => Volatile.Read(ref s_strategies);

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(s => s.Name)];

    /// <summary>Adds a strategy.</summary>
    /// <exception cref="ArgumentException">Its name is taken or not lower-case letters, digits and dashes.</exception>
    public static void Register(AggregationStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy.Name.Length is 0 or > 40 || !strategy.Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"aggregator name '{strategy.Name}' must be 1-40 lower-case letters, digits and dashes");
        }

        lock (Gate)
        {
            if (Find(strategy.Name) is not null)
            {
                throw new ArgumentException($"an aggregator named '{strategy.Name}' is already registered");
            }

            Volatile.Write(ref s_strategies, [.. s_strategies, strategy]);
        }
    }

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive), or <see langword="null"/>.</summary>
    public static AggregationStrategy? Find(string? name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The strategy called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No strategy has that name.</exception>
    public static AggregationStrategy Get(string? name) =>
        Find(name) ?? throw new ArgumentException($"unknown aggregator '{name}'; choose one of {string.Join(", ", Names)}");

    /// <summary>Creates the aggregator called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name, or a hyperparameter it does not take, out of range or missing.</exception>
    public static IAggregator Create(string name, AggregatorHyperparameters? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Get(name).Create(hyperparameters ?? new AggregatorHyperparameters());
    }

    /// <summary>
    /// Checks a session's configuration: its ranges (<see cref="SessionConfig.Check"/>), that its
    /// aggregator exists, that it sets only hyperparameters that aggregator takes, each in range,
    /// and that a round's quorum is enough for the aggregator's rule.
    /// </summary>
    /// <exception cref="ArgumentException">The first problem, named.</exception>
    public static void CheckSession(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Check();
        var strategy = Get(config.Aggregator);
        strategy.Check(config.Hyperparameters);
        var needs = strategy.MinimumUpdates(config.Hyperparameters);
        if (config.MinClients < needs)
        {
            throw new ArgumentException($"{strategy.Name} with {config.Hyperparameters} needs at least {needs} updates a round; set minimum clients to {needs} or more (it is {config.MinClients})");
        }
    }

    /// <summary>The defences a session uses, in a few words each: its aggregator's, its norm bound and its example cap.</summary>
    public static IReadOnlyList<string> DefencesOf(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        List<string> defences = [];
        if (Find(config.Aggregator)?.Defence(config.Hyperparameters) is { } own)
        {
            defences.Add(own);
        }

        if (config.UpdateNormBound is { } bound)
        {
            defences.Add(FormattableString.Invariant($"norm bound {bound:G4} ({(config.UpdateNormAction == UpdateNormAction.Clip ? "clip" : "reject")})"));
        }

        if (config.MaxExampleWeight != SessionConfig.DefaultMaxExampleWeight)
        {
            defences.Add(FormattableString.Invariant($"example weight capped at {config.MaxExampleWeight}"));
        }

        return defences;
    }
}
