using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FedN.Contracts;

/// <summary>
/// Reads what a person wrote (a configuration file, an API request body) strictly: a key that is
/// not a setting is refused with the list of those that are, rather than ignored, so a typo such as
/// <c>"aggregatr"</c> is an error instead of a session that silently runs with the default.
/// Records FedN itself stored or sent are read with <see cref="FedNJson.Options"/>, which tolerates
/// fields a newer version added.
/// </summary>
public static class JsonInput
{
    /// <summary><see cref="FedNJson.Options"/>, refusing members that map to nothing.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Reads <typeparamref name="T"/> from <paramref name="json"/> strictly.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">What the text is, for messages ("config.json", "the request body").</param>
    /// <exception cref="ArgumentException">The text is not valid JSON, has a key that is not a member, or a value of the wrong type; the message names the key and what it takes.</exception>
    public static T Read<T>(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new ArgumentException($"{source} is null; it should be a JSON object");
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"{source}: {Explain(error, typeof(T))}", error);
        }
    }

    /// <summary>
    /// A message for a <see cref="JsonException"/> met while reading a <paramref name="root"/>:
    /// the key as the user wrote it, and the keys it could have been or the kind of value it takes.
    /// </summary>
    public static string Explain(JsonException error, Type root)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(root);
        // The reader's own errors (broken syntax) name the line and position; only the others are
        // about a key or a value, which the walk below can explain.
        if (error.InnerException?.GetType().Name == "JsonReaderException")
        {
            return $"not valid JSON: {error.Message}";
        }

        var segments = PathSegments(error.Path);
        var (container, member) = Resolve(root, segments);
        var where = segments.Count == 0 ? "the document" : $"'{string.Join('.', segments)}'";
        if (container is not null && segments.Count > 0 && member is null && FindProperty(container, segments[^1]) is null)
        {
            var names = container.Properties.Select(p => p.Name).ToList();
            var closest = Closest(segments[^1], names);
            return $"unknown setting {where}{(closest is null ? "" : $" (did you mean '{closest}'?)")}; "
                + $"{(segments.Count == 1 ? "the settings are" : $"'{string.Join('.', segments.Take(segments.Count - 1))}' takes")}: {string.Join(", ", names)}";
        }

        if (member is not null)
        {
            return $"{where} must be {Describe(member.PropertyType)}";
        }

        // A shape the walk cannot follow: the serializer's own words.
        return error.Message;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(FedNJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The member names of a path such as <c>$.config.hyperparameters.server_lr</c> or <c>$.clients[0]</c> (indexes dropped).</summary>
    private static List<string> PathSegments(string? path)
    {
        var segments = new List<string>();
        if (string.IsNullOrEmpty(path))
        {
            return segments;
        }

        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part;
            if (name.StartsWith("['", StringComparison.Ordinal) && name.EndsWith("']", StringComparison.Ordinal))
            {
                name = name[2..^2];
            }

            var index = name.IndexOf('[', StringComparison.Ordinal);
            if (index > 0)
            {
                name = name[..index];
            }

            if (name.Length > 0 && name[0] != '[')
            {
                segments.Add(name);
            }
        }

        return segments;
    }

    /// <summary>The object type holding the path's last member, and that member when it is one.</summary>
    private static (JsonTypeInfo? Container, JsonPropertyInfo? Member) Resolve(Type root, List<string> segments)
    {
        var current = Options.GetTypeInfo(root);
        for (var i = 0; i < segments.Count; i++)
        {
            if (current.Kind != JsonTypeInfoKind.Object)
            {
                return (null, null);
            }

            var property = FindProperty(current, segments[i]);
            if (property is null)
            {
                return i == segments.Count - 1 ? (current, null) : (null, null);
            }

            if (i == segments.Count - 1)
            {
                return (current, property);
            }

            var next = Options.GetTypeInfo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
            current = next.Kind == JsonTypeInfoKind.Enumerable && next.ElementType is { } element ? Options.GetTypeInfo(element) : next;
        }

        return (current, null);
    }

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo type, string name) =>
        type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    /// <summary>What a value of <paramref name="type"/> is written as, in a person's words ("a whole number", "one of clip, reject").</summary>
    public static string Describe(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)))}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.String => "a string",
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            _ when type == typeof(TimeSpan) => "a duration such as \"00:10:00\" (hours:minutes:seconds)",
            _ when type == typeof(DateTimeOffset) => "a date and time such as \"2026-12-02T15:00:00Z\"",
            _ when type == typeof(Federation.AggregatorHyperparameters) => "an object of named numbers such as {\"serverLearningRate\": 0.1}",
            _ => Options.GetTypeInfo(type).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "a list",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
                _ => "a value of another kind",
            },
        };
    }

    /// <summary>The name within two edits of <paramref name="word"/>, ignoring case and separators, if there is one.</summary>
    private static string? Closest(string word, IReadOnlyList<string> names)
    {
        static string Fold(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        var folded = Fold(word);
        return names
            .Select(name => (name, distance: EditDistance(folded, Fold(name))))
            .Where(c => c.distance <= 2)
            .OrderBy(c => c.distance)
            .Select(c => c.name)
            .FirstOrDefault();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
