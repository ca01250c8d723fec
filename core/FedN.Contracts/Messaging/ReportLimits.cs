using System.Globalization;

namespace FedN.Contracts.Messaging;

/// <summary>
/// Bounds on the numbers a client reports with an update or a validation, checked when the report
/// arrives. They keep every sum the server forms from clients' figures finite (example counts in a
/// <see cref="long"/>, metric × examples in a <see cref="double"/>) whatever the clients send, so
/// one report can be refused but never fail a round.
/// </summary>
public sealed record ReportLimits
{
    /// <summary>
    /// Most examples one report may claim. A million clients at this bound sum to 10¹⁵, far inside a
    /// <see cref="long"/>; a session caps each update's weight further (<see cref="Federation.SessionConfig.MaxExampleWeight"/>).
    /// </summary>
    public long MaxExamples { get; init; } = 1_000_000_000;

    /// <summary>Most metrics one report may carry.</summary>
    public int MaxMetrics { get; init; } = 32;

    /// <summary>Longest metric name, in characters.</summary>
    public int MaxMetricNameLength { get; init; } = 64;

    /// <summary>Largest magnitude of a metric value: times <see cref="MaxExamples"/> and summed over a million clients it stays finite.</summary>
    public double MaxMetricMagnitude { get; init; } = 1e12;

    /// <summary>The default limits.</summary>
    public static ReportLimits Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first limit that is out of range.</summary>
    public void Check()
    {
        Require(MaxExamples is >= 1 and <= 1_000_000_000_000, $"the most examples per report ({MaxExamples}) must be between 1 and 10^12");
        Require(MaxMetrics is >= 0 and <= 1024, $"the most metrics per report ({MaxMetrics}) must be between 0 and 1024");
        Require(MaxMetricNameLength is >= 1 and <= 1024, $"the longest metric name ({MaxMetricNameLength}) must be between 1 and 1024 characters");
        Require(double.IsFinite(MaxMetricMagnitude) && MaxMetricMagnitude is > 0 and <= 1e200, $"the largest metric value ({MaxMetricMagnitude}) must be between 0 and 1e200");
    }

    /// <summary>What is wrong with a report of <paramref name="numExamples"/> examples and <paramref name="metrics"/>, or <see langword="null"/> when it is within the limits.</summary>
    public string? FindProblem(long numExamples, IReadOnlyDictionary<string, double>? metrics)
    {
        if (numExamples <= 0 || numExamples > MaxExamples)
        {
            return Invariant($"numExamples {numExamples} must be a whole number of examples between 1 and {MaxExamples}");
        }

        if (metrics is null)
        {
            return null;
        }

        if (metrics.Count > MaxMetrics)
        {
            return Invariant($"{metrics.Count} metrics were reported; at most {MaxMetrics} are taken");
        }

        foreach (var (name, value) in metrics)
        {
            if (name.Length is 0 || name.Length > MaxMetricNameLength || name.Any(char.IsControl))
            {
                return Invariant($"metric name '{Shorten(name)}' must be 1 to {MaxMetricNameLength} characters with no control characters");
            }

            if (!double.IsFinite(value) || Math.Abs(value) > MaxMetricMagnitude)
            {
                return Invariant($"metric '{name}' is {value}; metric values must be finite and at most {MaxMetricMagnitude:G3} in magnitude");
            }
        }

        return null;
    }

    private static string Shorten(string name) => name.Length <= 40 ? new string([.. name.Select(c => char.IsControl(c) ? '?' : c)]) : $"{Shorten(name[..40])}…";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
