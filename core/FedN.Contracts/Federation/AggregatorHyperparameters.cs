using System.ComponentModel;
using System.Text.Json.Serialization;

namespace FedN.Contracts.Federation;

/// <summary>Server-side hyperparameters; any left <see langword="null"/> take the chosen method's default.</summary>
public sealed record AggregatorHyperparameters
{
    /// <summary>η, the server learning rate.</summary>
    public double? ServerLearningRate { get; init; }

    /// <summary>FEDn's name for <see cref="ServerLearningRate"/> (and the one optimizer state files record), accepted when reading.</summary>
    [JsonPropertyName("server_lr")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public double? ServerLr
    {
        init => ServerLearningRate = value;
    }

    /// <summary>β, FedAvgM's momentum.</summary>
    public double? Momentum { get; init; }

    /// <summary>β₁, first-moment decay of the adaptive methods.</summary>
    public double? Beta1 { get; init; }

    /// <summary>β₂, second-moment decay of FedAdam and FedYogi.</summary>
    public double? Beta2 { get; init; }

    /// <summary>τ, the adaptivity of the adaptive methods.</summary>
    public double? Tau { get; init; }

    /// <summary>The JSON names of the values that are set.</summary>
    public IEnumerable<string> SetNames() =>
        new (string Name, double? Value)[] { ("serverLearningRate", ServerLearningRate), ("momentum", Momentum), ("beta1", Beta1), ("beta2", Beta2), ("tau", Tau) }
            .Where(h => h.Value is not null)
            .Select(h => h.Name);

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
