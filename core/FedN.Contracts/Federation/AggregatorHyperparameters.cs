using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedN.Contracts.Federation;

/// <summary>
/// An aggregator's server-side hyperparameters as named numbers, for example
/// <c>{"serverLearningRate": 0.1, "beta1": 0.9}</c>. Which names an aggregator takes, their
/// defaults and their ranges are the aggregator's own (the engine's <c>Aggregators</c> registry);
/// this type only carries the values, so that a new aggregator needs no change to the contracts.
/// </summary>
[JsonConverter(typeof(AggregatorHyperparametersConverter))]
[SuppressMessage("Naming", "CA1710", Justification = "Named for what it holds in a session's configuration; a dictionary is how it is read.")]
public sealed class AggregatorHyperparameters : IReadOnlyDictionary<string, double>, IEquatable<AggregatorHyperparameters>
{
    /// <summary>FEDn's name for the server learning rate, read as <c>serverLearningRate</c>.</summary>
    public const string FednServerLearningRate = "server_lr";

    /// <summary>The most values a session may set: far more than any aggregator takes, few enough to bound what a request can make the server hold.</summary>
    public const int MaxCount = 32;

    private readonly SortedDictionary<string, double> _values;

    /// <summary>No values: every hyperparameter takes its aggregator's default.</summary>
    public AggregatorHyperparameters()
        : this([])
    {
    }

    /// <summary>Creates hyperparameters from named values.</summary>
    /// <exception cref="ArgumentException">A name is empty or given twice, or there are more than <see cref="MaxCount"/>.</exception>
    public AggregatorHyperparameters(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var key = name == FednServerLearningRate ? "serverLearningRate" : name;
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ArgumentException("a hyperparameter needs a name");
            }

            if (!_values.TryAdd(key, value))
            {
                throw new ArgumentException($"hyperparameter {key} is given twice");
            }
        }

        if (_values.Count > MaxCount)
        {
            throw new ArgumentException($"{_values.Count} hyperparameters are more than the {MaxCount} any aggregator could take");
        }
    }

    /// <summary>Creates hyperparameters from (name, value) pairs.</summary>
    public static AggregatorHyperparameters Of(params (string Name, double Value)[] values) =>
        new(values.Select(v => KeyValuePair.Create(v.Name, v.Value)));

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>, or removed when it is <see langword="null"/>.</summary>
    public AggregatorHyperparameters With(string name, double? value) =>
        new(this.Where(v => v.Key != name).Concat(value is { } set ? [KeyValuePair.Create(name, set)] : []));

    /// <inheritdoc />
    public double this[string key] => _values[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<double> Values => _values.Values;

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value) => _values.TryGetValue(key, out value);

    /// <summary>The value set for <paramref name="name"/>, or <see langword="null"/>.</summary>
    public double? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(AggregatorHyperparameters? other) => other is not null && _values.SequenceEqual(other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AggregatorHyperparameters);

    /// <inheritdoc />
    public override int GetHashCode() => _values.Aggregate(0, (hash, value) => HashCode.Combine(hash, value.Key, value.Value));

    /// <inheritdoc />
    public override string ToString() =>
        _values.Count == 0 ? "defaults" : string.Join(", ", _values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:G6}")));
}

/// <summary>Reads and writes <see cref="AggregatorHyperparameters"/> as a JSON object of numbers; a <c>null</c> value means the default.</summary>
internal sealed class AggregatorHyperparametersConverter : JsonConverter<AggregatorHyperparameters>
{
    public override AggregatorHyperparameters Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("hyperparameters must be an object of named numbers, for example {\"serverLearningRate\": 0.1}");
        }

        List<KeyValuePair<string, double>> values = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value))
            {
                throw new JsonException($"hyperparameter {name} must be a number");
            }

            values.Add(KeyValuePair.Create(name, value));
            if (values.Count > AggregatorHyperparameters.MaxCount)
            {
                throw new JsonException($"more than {AggregatorHyperparameters.MaxCount} hyperparameters");
            }
        }

        try
        {
            return new AggregatorHyperparameters(values);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, AggregatorHyperparameters value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, number) in value)
        {
            writer.WriteNumber(name, number);
        }

        writer.WriteEndObject();
    }
}
