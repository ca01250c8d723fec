namespace FedN.Contracts.Federation;

/// <summary>How a session runs its rounds. Fixed when the session is created.</summary>
public sealed record SessionConfig
{
    /// <summary>Rounds to run.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>How long a round waits for updates before it closes with what it has.</summary>
    public TimeSpan RoundTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fewest updates a round needs to commit a model (the quorum).</summary>
    public int MinClients { get; init; } = 1;

    /// <summary>Clients asked per round, chosen at random among the eligible ones; <see langword="null"/> asks every eligible client.</summary>
    public int? ClientsPerRound { get; init; }

    /// <summary>Only these clients take part (those of them online at each round); <see langword="null"/> allows every client.</summary>
    public IReadOnlyList<string>? Clients { get; init; }

    /// <summary>Once a combiner has its share of the quorum, how much longer it waits for stragglers before closing early (never past the round's deadline).</summary>
    public TimeSpan QuorumGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What a failed round (too few updates, a combiner that failed) does: retry it up to this many times, then stop the session (0 stops at once).</summary>
    public int RoundRetries { get; init; }

    /// <summary>The aggregator, by name (the engine's <c>Aggregators.Names</c>; <c>Aggregators.CheckSession</c> checks it and the hyperparameters it takes).</summary>
    public string Aggregator { get; init; } = "fedavg";

    /// <summary>The aggregator's server-side hyperparameters.</summary>
    public AggregatorHyperparameters Hyperparameters { get; init; } = new();

    /// <summary>
    /// The compute package (its id, from <c>fedn package upload</c>) the session's clients run;
    /// <see langword="null"/> leaves each client to its own trainer.
    /// </summary>
    public string? Package { get; init; }

    /// <summary>Combiners per round: the selected clients are split into this many shards.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Whether each new model is validated by the clients.</summary>
    public bool Validate { get; init; } = true;

    /// <summary>Rounds whose updates and partials are kept; older ones are deleted after each commit.</summary>
    public int KeepRounds { get; init; } = 2;

    /// <summary>
    /// Most examples an update weighs in the aggregate: a client that claims more is counted as
    /// this many, so no single site can outweigh the rest by its claim alone. Set it to the size of
    /// your largest site.
    /// </summary>
    public long MaxExampleWeight { get; init; } = DefaultMaxExampleWeight;

    /// <summary>
    /// Largest L2 distance an update may have from the global model it was trained from;
    /// <see langword="null"/> leaves updates unbounded. What happens to one further away is
    /// <see cref="UpdateNormAction"/>.
    /// </summary>
    public double? UpdateNormBound { get; init; }

    /// <summary>What an update beyond <see cref="UpdateNormBound"/> does: clipped back onto the bound (the default), or refused.</summary>
    public UpdateNormAction UpdateNormAction { get; init; } = UpdateNormAction.Clip;

    /// <summary>The default of <see cref="MaxExampleWeight"/>.</summary>
    public const long DefaultMaxExampleWeight = 1_000_000;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first setting that is out of range. Which
    /// aggregators exist and which hyperparameters each takes is the engine's to say
    /// (<c>Aggregators.CheckSession</c>, which calls this first).
    /// </summary>
    public void Check()
    {
        Require(Rounds is >= 1 and <= 100_000, $"rounds {Rounds} must be between 1 and 100000");
        Require(RoundTimeout >= TimeSpan.FromSeconds(1) && RoundTimeout <= TimeSpan.FromDays(7), $"round timeout {RoundTimeout} must be between 1 second and 7 days");
        Require(MinClients >= 1, $"minimum clients {MinClients} must be at least 1");
        Require(ClientsPerRound is null || ClientsPerRound >= MinClients, $"clients per round {ClientsPerRound} must be at least the minimum clients ({MinClients})");
        Require(Shards is >= 1 and <= 256, $"shards {Shards} must be between 1 and 256");
        Require(QuorumGrace >= TimeSpan.Zero, $"quorum grace {QuorumGrace} must not be negative");
        Require(RoundRetries is >= 0 and <= 100, $"round retries {RoundRetries} must be between 0 and 100");
        Require(Clients is null || (Clients.Count >= MinClients && Clients.All(id => !string.IsNullOrWhiteSpace(id))), $"the client list must name at least the minimum clients ({MinClients}), with no empty ids");
        Require(MaxExampleWeight is >= 1 and <= 1_000_000_000_000, $"the largest example weight {MaxExampleWeight} must be between 1 and 10^12");
        Require(UpdateNormBound is null || (double.IsFinite(UpdateNormBound.Value) && UpdateNormBound > 0), $"the update norm bound {UpdateNormBound} must be a positive number");
        Require(Enum.IsDefined(UpdateNormAction), $"the update norm action {UpdateNormAction} must be clip or reject");
        Require(KeepRounds >= 0, $"rounds to keep {KeepRounds} must not be negative");
        Require(!string.IsNullOrWhiteSpace(Aggregator), "the aggregator must be named");
        Require(Hyperparameters is not null, "the hyperparameters must be an object (use {} for the defaults)");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}

/// <summary>What a session does with an update further from the global model than its <see cref="SessionConfig.UpdateNormBound"/>.</summary>
public enum UpdateNormAction
{
    /// <summary>Scale its difference from the global model down onto the bound, then aggregate it.</summary>
    Clip,

    /// <summary>Refuse it, with the distance in the reason.</summary>
    Reject,
}
