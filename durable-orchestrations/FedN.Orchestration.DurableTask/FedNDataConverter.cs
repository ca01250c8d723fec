using Microsoft.DurableTask;

namespace FedN.Orchestration.DurableTask;

/// <summary>
/// The Durable Task SDK's payloads written as FedN writes JSON (<see cref="DurableJson"/>): camelCase,
/// enums as strings. Set it on the worker and the client of every SDK engine, so orchestration
/// history holds the same JSON as the local runner's journal.
/// </summary>
public sealed class FedNDataConverter : DataConverter
{
    /// <summary>The one instance.</summary>
    public static FedNDataConverter Instance { get; } = new();

    /// <inheritdoc/>
    public override string? Serialize(object? value) => DurableJson.Serialize(value);

    /// <inheritdoc/>
    public override object? Deserialize(string? data, Type targetType) => DurableJson.Deserialize(data, targetType);
}
