namespace FedN.Core.Aggregation.Strategies;

/// <summary>The hyperparameters the FedOpt family shares; each strategy picks its own defaults (Reddi et al. 2021; Flower's).</summary>
internal static class FedOptHyperparameters
{
    public static Hyperparameter ServerLearningRate(double @default) =>
        new("serverLearningRate", "η, the server learning rate", @default, 0, double.PositiveInfinity) { MinInclusive = false, CliName = "server-lr" };

    public static Hyperparameter Beta1(double @default) =>
        new("beta1", "β₁, first-moment decay", @default, 0, 1) { MaxInclusive = false };

    public static Hyperparameter Beta2(double @default) =>
        new("beta2", "β₂, second-moment decay", @default, 0, 1) { MaxInclusive = false };

    public static Hyperparameter Tau(double @default) =>
        new("tau", "τ, the adaptivity", @default, 0, double.PositiveInfinity) { MinInclusive = false };
}
