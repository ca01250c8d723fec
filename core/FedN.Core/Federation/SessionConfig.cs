using FedN.Core.Aggregation;

namespace FedN.Core.Federation;

/// <summary>How a session runs its rounds. Fixed when the session is created.</summary>
public sealed record SessionConfig
{
    /// <summary>Rounds to run.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>How long a round waits for updates before it closes with what it has.</summary>
    public TimeSpan RoundTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fewest updates a round needs to commit a model (the quorum).</summary>
    public int MinClients { get; init; } = 1;

    /// <summary>Clients asked per round; <see langword="null"/> asks every online client.</summary>
    public int? ClientsPerRound { get; init; }

    /// <summary>The aggregator, by name (<see cref="Aggregators.Names"/>).</summary>
    public string Aggregator { get; init; } = "fedavg";

    /// <summary>The aggregator's server-side hyperparameters.</summary>
    public AggregatorHyperparameters Hyperparameters { get; init; } = new();

    /// <summary>Combiners per round: the selected clients are split into this many shards.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Whether each new model is validated by the clients.</summary>
    public bool Validate { get; init; } = true;

    /// <summary>Rounds whose updates and partials are kept; older ones are deleted after each commit.</summary>
    public int KeepRounds { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Check()
    {
        Require(Rounds is >= 1 and <= 100_000, $"rounds {Rounds} must be between 1 and 100000");
        Require(RoundTimeout >= TimeSpan.FromSeconds(1) && RoundTimeout <= TimeSpan.FromDays(7), $"round timeout {RoundTimeout} must be between 1 second and 7 days");
        Require(MinClients >= 1, $"minimum clients {MinClients} must be at least 1");
        Require(ClientsPerRound is null || ClientsPerRound >= MinClients, $"clients per round {ClientsPerRound} must be at least the minimum clients ({MinClients})");
        Require(Shards is >= 1 and <= 256, $"shards {Shards} must be between 1 and 256");
        Require(KeepRounds >= 0, $"rounds to keep {KeepRounds} must not be negative");
        Require(Aggregators.Names.Contains(Aggregator, StringComparer.OrdinalIgnoreCase), $"unknown aggregator '{Aggregator}'; choose one of {string.Join(", ", Aggregators.Names)}");
        Hyperparameters.Validate();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
