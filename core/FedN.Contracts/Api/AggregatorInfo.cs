namespace FedN.Contracts.Api;

/// <summary>One aggregation method of the server's registry, as <c>GET /api/v1/aggregators</c> lists it.</summary>
/// <param name="Name">The name sessions use.</param>
/// <param name="Summary">What it does, in one line.</param>
/// <param name="IsLinear">Whether combiners send exact partial sums (otherwise they index updates and the reducer reads them all).</param>
/// <param name="Hyperparameters">What it takes.</param>
public sealed record AggregatorInfo(string Name, string Summary, bool IsLinear, IReadOnlyList<HyperparameterInfo> Hyperparameters);

/// <summary>A hyperparameter of an <see cref="AggregatorInfo"/>.</summary>
/// <param name="Name">Its JSON name.</param>
/// <param name="Description">What it means.</param>
/// <param name="Default">Its default; <see langword="null"/> when it must be set, or may be left unset.</param>
/// <param name="Range">The values allowed, as people write them.</param>
public sealed record HyperparameterInfo(string Name, string Description, double? Default, string Range);
