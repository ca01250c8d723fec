namespace FedN.Core.Aggregation;

/// <summary>Server-side hyperparameters; any left <see langword="null"/> take the chosen method's default.</summary>
public sealed record AggregatorHyperparameters
{
    /// <summary>η, the server learning rate.</summary>
    public double? ServerLearningRate { get; init; }

    /// <summary>β, FedAvgM's momentum.</summary>
    public double? Momentum { get; init; }

    /// <summary>β₁, first-moment decay of the adaptive methods.</summary>
    public double? Beta1 { get; init; }

    /// <summary>β₂, second-moment decay of FedAdam and FedYogi.</summary>
    public double? Beta2 { get; init; }

    /// <summary>τ, the adaptivity of the adaptive methods.</summary>
    public double? Tau { get; init; }

    /// <summary>Checks every value that is set.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Check(ServerLearningRate, "server learning rate", v => v > 0, "greater than 0");
        Check(Momentum, "momentum", v => v is >= 0 and < 1, "in [0, 1)");
        Check(Beta1, "beta1", v => v is >= 0 and < 1, "in [0, 1)");
        Check(Beta2, "beta2", v => v is >= 0 and < 1, "in [0, 1)");
        Check(Tau, "tau", v => v > 0, "greater than 0");
    }

    private static void Check(double? value, string name, Func<double, bool> valid, string rule)
    {
        if (value is { } v && (!double.IsFinite(v) || !valid(v)))
        {
            throw new ArgumentException($"{name} {v} must be {rule}");
        }
    }
}
