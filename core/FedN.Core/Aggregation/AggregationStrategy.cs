using FedN.Contracts.Federation;

namespace FedN.Core.Aggregation;

/// <summary>
/// An aggregation method as the registry knows it (in the spirit of Flower's Strategy): its name,
/// the hyperparameters it takes and how to build its <see cref="IAggregator"/> from them. One
/// strategy is one file that owns all of these; <see cref="Aggregators"/> lists them by name.
/// </summary>
public abstract class AggregationStrategy
{
    /// <summary>The name sessions and the CLI use, lower case, for example <c>fedadam</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line: what it does and where it comes from.</summary>
    public abstract string Summary { get; }

    /// <summary>The hyperparameters it takes.</summary>
    public abstract IReadOnlyList<Hyperparameter> Hyperparameters { get; }

    /// <summary>
    /// Whether it is linear: each combiner folds its shard into an exact partial sum, and partials
    /// merge into the flat result. A strategy that is not (median, trimmed mean, Krum) has
    /// combiners check and index their shard's updates, and the reduce step reads the updates of
    /// every shard (docs/aggregation.md, "Robust aggregators across combiners").
    /// </summary>
    public abstract bool IsLinear { get; }

    /// <summary>The defence it is, if any, in a few words for the dashboard and the session summary (for example <c>coordinate-wise median</c>).</summary>
    public virtual string? Defence(AggregatorHyperparameters values) => null;

    /// <summary>The fewest updates a round needs for the rule to be defined; a session's minimum clients must be at least this.</summary>
    public virtual int MinimumUpdates(AggregatorHyperparameters values) => 1;

    /// <summary>Builds the aggregator from <paramref name="values"/> (unset ones take their defaults).</summary>
    /// <exception cref="ArgumentException">A value is out of range, a required one is missing, or a name is not one this strategy takes.</exception>
    public IAggregator Create(AggregatorHyperparameters values)
    {
        Check(values);
        return Build(values);
    }

    /// <summary>Checks that <paramref name="values"/> names only hyperparameters this strategy takes, each in range.</summary>
    /// <exception cref="ArgumentException">The first problem, named.</exception>
    public void Check(AggregatorHyperparameters values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var unknown = values.Keys.Where(name => !Hyperparameters.Any(h => h.Name == name)).ToList();
        if (unknown.Count > 0)
        {
            var takes = Hyperparameters.Count == 0 ? "it takes none" : $"its hyperparameters are {string.Join(", ", Hyperparameters.Select(h => h.Name))}";
            throw new ArgumentException($"{Name} does not take {string.Join(", ", unknown)}; {takes} (docs/aggregation.md)");
        }

        foreach (var hyperparameter in Hyperparameters)
        {
            hyperparameter.ReadOptional(values, Name);
        }

        CheckTogether(values);
    }

    /// <summary>Checks rules between hyperparameters (each is already in range).</summary>
    protected virtual void CheckTogether(AggregatorHyperparameters values)
    {
    }

    /// <summary>Builds the aggregator from checked values.</summary>
    protected abstract IAggregator Build(AggregatorHyperparameters values);

    /// <summary>Reads <paramref name="hyperparameter"/> from <paramref name="values"/>.</summary>
    protected double Read(Hyperparameter hyperparameter, AggregatorHyperparameters values) =>
        hyperparameter.Read(values, Name);
}

/// <summary>
/// A strategy whose hyperparameters bind to a record of its own (<typeparamref name="TSettings"/>),
/// so its aggregator is built from typed, checked values.
/// </summary>
/// <typeparam name="TSettings">The strategy's hyperparameter record.</typeparam>
public abstract class AggregationStrategy<TSettings> : AggregationStrategy
{
    /// <summary>The checked settings <paramref name="values"/> give.</summary>
    /// <exception cref="ArgumentException">As <see cref="AggregationStrategy.Check"/>.</exception>
    public TSettings Settings(AggregatorHyperparameters values)
    {
        Check(values);
        return Bind(values);
    }

    /// <summary>Builds the aggregator from checked settings.</summary>
    public abstract IAggregator Create(TSettings settings);

    /// <summary>Reads the settings from checked values.</summary>
    protected abstract TSettings Bind(AggregatorHyperparameters values);

    /// <inheritdoc />
    protected sealed override IAggregator Build(AggregatorHyperparameters values) => Create(Bind(values));
}
