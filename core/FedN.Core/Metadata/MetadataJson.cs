using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedN.Core.Metadata;

/// <summary>How records become JSON, the same in every store: camelCase names, enums as camelCase strings, nulls left out.</summary>
public static class MetadataJson
{
    /// <summary>The serializer options for records and patch values.</summary>
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
