namespace FedN.Core.Aggregation;

/// <summary>The outcome of a reduce step.</summary>
/// <param name="Count">Client updates in the new model.</param>
/// <param name="TotalWeight">Sum of their weights (training examples).</param>
/// <param name="OptimizerStep">The server optimizer's step number after this round (0 for stateless aggregators).</param>
public sealed record AggregationResult(int Count, double TotalWeight, long OptimizerStep);
