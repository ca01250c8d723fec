using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedN.Contracts;

/// <summary>
/// How FedN writes JSON, the same everywhere (stored records, channel messages, API bodies): camelCase
/// names, enums as camelCase strings, nulls left out.
/// </summary>
public static class FedNJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
