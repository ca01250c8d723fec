using DurableTask.Core.Serializing;

namespace FedN.Orchestration.AzureStorage;

/// <summary>
/// The Durable Task Framework's data converter writing FedN's durable JSON (<see cref="DurableJson"/>),
/// the same as the SDK's side of the shim (<see cref="DurableTask.FedNDataConverter"/>): what the
/// client puts into history is what the orchestrator classes read.
/// </summary>
internal sealed class DurableJsonDataConverter : DataConverter
{
    public static DurableJsonDataConverter Instance { get; } = new();

    public override string Serialize(object value) => DurableJson.Serialize(value)!;

    public override string Serialize(object value, bool formatted) => Serialize(value);

    public override object Deserialize(string data, Type objectType) => DurableJson.Deserialize(data, objectType)!;
}
