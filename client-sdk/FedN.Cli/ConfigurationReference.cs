using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Core;

namespace FedN.Cli;

/// <summary>
/// The session configuration's reference (docs/configuration.md) written from
/// <see cref="SessionConfig"/> itself: each JSON key as the API and <c>--config</c> files take it,
/// what it takes, its default and its documentation comment. The CLI's tests check the page against it.
/// </summary>
internal static class ConfigurationReference
{
    /// <summary>A Markdown table of every session setting, nested ones as <c>parent.key</c>.</summary>
    public static string Render()
    {
        var docs = LoadDocumentation(typeof(SessionConfig));
        var defaults = JsonSerializer.SerializeToElement(new SessionConfig(), FedNJson.Options);
        var text = new StringBuilder("| key | takes | default | what it is |\n| --- | --- | --- | --- |\n");
        Rows(text, typeof(SessionConfig), defaults, "", docs);
        return text.ToString();
    }

    private static void Rows(StringBuilder text, Type type, JsonElement defaults, string prefix, XDocument? docs)
    {
        foreach (var property in JsonInput.Options.GetTypeInfo(type).Properties)
        {
            var member = type.GetProperty(property.AttributeProvider is System.Reflection.PropertyInfo info ? info.Name : property.Name);
            var summary = member is null ? "" : Summary(docs, $"P:{member.DeclaringType!.FullName}.{member.Name}");
            var key = prefix + property.Name;
            var value = defaults.ValueKind == JsonValueKind.Object && defaults.TryGetProperty(property.Name, out var found) ? found : default;
            var nested = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (JsonInput.Options.GetTypeInfo(nested).Kind == JsonTypeInfoKind.Object)
            {
                text.Append(CultureInfo.InvariantCulture, $"| `{key}` | an object | | {summary} |\n");
                Rows(text, nested, value, key + ".", docs);
                continue;
            }

            var takes = key == "aggregator" ? $"one of {string.Join(", ", Core.Aggregation.Aggregators.Names)}" : JsonInput.Describe(property.PropertyType);
            text.Append(CultureInfo.InvariantCulture, $"| `{key}` | {takes} | {Default(value)} | {summary} |\n");
        }
    }

    private static string Default(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "none",
        JsonValueKind.String => $"`\"{value.GetString()}\"`",
        _ => $"`{value.GetRawText()}`",
    };

    private static XDocument? LoadDocumentation(Type type)
    {
        var path = Path.ChangeExtension(type.Assembly.Location, ".xml");
        return File.Exists(path) ? XDocument.Load(path) : null;
    }

    /// <summary>A member's summary as one line of Markdown: crefs by their last name, langwords and code as code.</summary>
    private static string Summary(XDocument? docs, string member)
    {
        var summary = docs?.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == member)?.Element("summary");
        if (summary is null)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText plain => plain.Value,
                XElement { Name.LocalName: "see" } see when see.Attribute("cref") is { } cref => $"`{Name(cref.Value)}`",
                XElement { Name.LocalName: "see" } see when see.Attribute("langword") is { } word => $"`{word.Value}`",
                XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
                XElement other => other.Value,
                _ => "",
            });
        }

        return MarkdownTable.Cell(string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>A cref as the reader knows it: a setting by its JSON key, anything else by its last name.</summary>
    private static string Name(string cref)
    {
        var name = cref.Split('.')[^1];
        return cref.StartsWith($"P:{typeof(SessionConfig).FullName}.", StringComparison.Ordinal) || cref.StartsWith($"P:{typeof(AggregatorHyperparameters).FullName}.", StringComparison.Ordinal)
            ? JsonNamingPolicy.CamelCase.ConvertName(name)
            : name;
    }
}
