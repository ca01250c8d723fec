namespace FedN.Core.Aggregation;

/// <summary>A client's update and its weight: the number of examples it was trained on.</summary>
/// <param name="Model">The updated model.</param>
/// <param name="Weight">Number of training examples (any positive finite number).</param>
public sealed record WeightedUpdate(ModelSource Model, double Weight);
