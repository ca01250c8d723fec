namespace FedN.Core.Aggregation;

/// <summary>An update or partial that was not aggregated, and why.</summary>
/// <param name="Id">The <see cref="ModelSource.Id"/> of what was rejected.</param>
/// <param name="Reason">One line a person can act on.</param>
public sealed record UpdateRejection(string Id, string Reason);
