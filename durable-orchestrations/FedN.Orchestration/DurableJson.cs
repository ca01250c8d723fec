using System.Text.Json;
using FedN.Contracts;

namespace FedN.Orchestration;

/// <summary>
/// What crosses an engine's durable boundary (inputs, outputs, events, statuses) as JSON, written the
/// way FedN writes all JSON (<see cref="FedNJson"/>), so every engine stores and replays the same payloads.
/// </summary>
public static class DurableJson
{
    /// <summary><paramref name="value"/> as JSON, or <see langword="null"/>.</summary>
    public static JsonElement? ToJson(object? value) => value is null ? null : JsonSerializer.SerializeToElement(value, value.GetType(), FedNJson.Options);

    /// <summary>JSON written by <see cref="ToJson"/> read as <typeparamref name="T"/>.</summary>
    public static T? FromJson<T>(JsonElement? value) => FromJson(value, typeof(T)) is T typed ? typed : default;

    /// <summary>JSON written by <see cref="ToJson"/> read as <paramref name="type"/>; JSON null (or none) is <see langword="null"/>.</summary>
    public static object? FromJson(JsonElement? value, Type type) =>
        value is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } json ? json.Deserialize(type, FedNJson.Options) : null;

    /// <summary>A payload an engine stored as a JSON string (input, output, custom status), or <see langword="null"/> when there is none.</summary>
    public static JsonElement? Parse(string? json) => string.IsNullOrEmpty(json) ? null : JsonDocument.Parse(json).RootElement.Clone();

    /// <summary><paramref name="value"/> as a JSON string (the SDK's data converter form), or <see langword="null"/>.</summary>
    public static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), FedNJson.Options);

    /// <summary>A JSON string written by <see cref="Serialize"/> read as <paramref name="type"/>.</summary>
    public static object? Deserialize(string? json, Type type) => json is null ? null : JsonSerializer.Deserialize(json, type, FedNJson.Options);
}
