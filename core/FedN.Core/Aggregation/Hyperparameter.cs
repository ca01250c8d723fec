using System.Globalization;
using FedN.Contracts.Federation;

namespace FedN.Core.Aggregation;

/// <summary>
/// One hyperparameter an aggregation strategy takes: its JSON name, what it means, its default and
/// the range it must lie in. Strategies declare theirs, and the CLI's options, the API's checks and
/// the dashboard are generated from the declarations.
/// </summary>
/// <param name="Name">The JSON name, for example <c>serverLearningRate</c>.</param>
/// <param name="Description">What it means, in a few words.</param>
/// <param name="Default">The value when none is set; <see langword="null"/> when it must be set.</param>
/// <param name="Min">Lowest value allowed.</param>
/// <param name="Max">Highest value allowed.</param>
public sealed record Hyperparameter(string Name, string Description, double? Default, double Min, double Max)
{
    /// <summary>Whether <see cref="Min"/> itself is allowed.</summary>
    public bool MinInclusive { get; init; } = true;

    /// <summary>Whether <see cref="Max"/> itself is allowed.</summary>
    public bool MaxInclusive { get; init; } = true;

    /// <summary>Whether it may be left unset with no default (then the strategy does without it).</summary>
    public bool IsOptional { get; init; }

    /// <summary>Whether only whole numbers are allowed.</summary>
    public bool IsInteger { get; init; }

    /// <summary>The option the CLI gives it, for example <c>--server-lr</c>; by default the name in kebab case.</summary>
    public string CliName { get; init; } = string.Concat(Name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>The allowed range, as people write it: <c>(0, 1]</c>, <c>integer ≥ 0</c>.</summary>
    public string Range
    {
        get
        {
            var kind = IsInteger ? "integer " : "";
            if (double.IsPositiveInfinity(Max))
            {
                return $"{kind}{(MinInclusive ? "≥" : ">")} {Format(Min)}";
            }

            return $"{kind}in {(MinInclusive ? "[" : "(")}{Format(Min)}, {Format(Max)}{(MaxInclusive ? "]" : ")")}";
        }
    }

    /// <summary>
    /// The value <paramref name="values"/> sets, or the default, after checking it is in range.
    /// </summary>
    /// <param name="values">A session's hyperparameters.</param>
    /// <param name="strategy">The strategy's name, for the message.</param>
    /// <exception cref="ArgumentException">The value is out of range, or it is required and not set.</exception>
    public double Read(AggregatorHyperparameters values, string strategy)
    {
        ArgumentNullException.ThrowIfNull(values);
        var value = values.Get(Name) ?? Default
            ?? throw new ArgumentException($"{strategy} needs {Name} ({Description}, {Range})");
        if (!Allows(value))
        {
            throw new ArgumentException($"{strategy}: {Name} {Format(value)} must be {Range}");
        }

        return value;
    }

    /// <summary>The value set (checked as <see cref="Read"/> does), or the default, or <see langword="null"/> for an optional one left unset.</summary>
    public double? ReadOptional(AggregatorHyperparameters values, string strategy)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Get(Name) is null && Default is null && IsOptional ? null : Read(values, strategy);
    }

    /// <summary>Whether <paramref name="value"/> is in range.</summary>
    public bool Allows(double value) =>
        double.IsFinite(value)
        && (MinInclusive ? value >= Min : value > Min)
        && (MaxInclusive ? value <= Max : value < Max)
        && (!IsInteger || Math.Floor(value) == value);

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
