using System.Buffers;
using System.Text.Json;

namespace FedN.Core.Safetensors;

/// <summary>
/// The validated header of a safetensors file: tensors in data order and the optional
/// <c>__metadata__</c> string map. Instances are only created valid, by <see cref="Parse"/> or
/// <see cref="Create"/>: offsets are contiguous from 0 with no gap or overlap, and each tensor's
/// byte length equals its element count times its dtype size.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The JSON key that holds the free-form string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly SearchValues<byte> JsonWhitespace = SearchValues.Create(" \t\n\r"u8);

    // The last header parsed on this thread, with its bytes and limits. Updates of one round share
    // their header byte for byte, so a combiner parses it once instead of once per update; headers
    // are immutable, so handing out the same instance is safe. One entry per thread bounds memory.
    [ThreadStatic]
    private static (byte[] Json, SafetensorsReadOptions Options, SafetensorsHeader Header)? t_lastParsed;
    private readonly Dictionary<string, TensorInfo> _byName;

    private SafetensorsHeader(List<TensorInfo> tensorsInDataOrder, Dictionary<string, string> metadata)
    {
        Tensors = tensorsInDataOrder;
        Metadata = metadata;
        DataLength = tensorsInDataOrder.Count == 0 ? 0 : tensorsInDataOrder[^1].DataEnd;
        _byName = tensorsInDataOrder.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Tensors in the order of their data (ascending offsets).</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Total bytes of the data section.</summary>
    public long DataLength { get; }

    /// <summary>Sum of all tensors' element counts.</summary>
    public long ParameterCount => Tensors.Sum(t => t.ElementCount);

    /// <summary>Finds a tensor by name.</summary>
    public bool TryGetTensor(string name, out TensorInfo tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>Lays out <paramref name="tensors"/> contiguously in the given order.</summary>
    /// <exception cref="ArgumentException">A name repeats, a dimension is negative, or a name is the reserved metadata key.</exception>
    public static SafetensorsHeader Create(IEnumerable<TensorDeclaration> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var laidOut = new List<TensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var t in tensors)
        {
            if (t.Name == MetadataKey)
            {
                throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            }

            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"Tensor name '{t.Name}' appears twice.", nameof(tensors));
            }

            if (t.Shape.Any(d => d < 0))
            {
                throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension in {TensorInfo.FormatShape(t.Shape)}.", nameof(tensors));
            }

            var bytes = checked(TensorInfo.ElementCountOf(t.Shape) * t.DType.SizeInBytes());
            laidOut.Add(new TensorInfo(t.Name, t.DType, t.Shape.ToArray(), offset, offset + bytes));
            offset = checked(offset + bytes);
        }

        return new SafetensorsHeader(laidOut, metadata is null ? [] : new Dictionary<string, string>(metadata, StringComparer.Ordinal));
    }

    /// <summary>This header's tensors with another metadata map.</summary>
    public SafetensorsHeader WithMetadata(IReadOnlyDictionary<string, string> metadata) =>
        new([.. Tensors], new Dictionary<string, string>(metadata, StringComparer.Ordinal));

    /// <summary>
    /// The JSON header bytes, padded with spaces so that the data section starts on an 8-byte
    /// boundary (as the reference writer does, so readers can map tensors aligned).
    /// </summary>
    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            foreach (var t in Tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToSafetensorsName());
                json.WriteStartArray("shape");
                foreach (var d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(t.DataBegin);
                json.WriteNumberValue(t.DataEnd);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var length = (int)buffer.Length;
        var padded = (length + 8 + 7) / 8 * 8 - 8;
        var bytes = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(bytes);
        bytes.AsSpan(length).Fill((byte)' ');
        return bytes;
    }

    /// <summary>
    /// Parses and validates a JSON header. Every way the header can be wrong gets a one-line
    /// <see cref="SafetensorsFormatException"/>: not JSON, not an object of the expected shape,
    /// unknown dtype, duplicate names, a shape that does not match its byte range, offsets
    /// reversed, overlapping, leaving gaps or not starting at 0.
    /// </summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, SafetensorsReadOptions? options = null)
    {
        options ??= SafetensorsReadOptions.Default;
        if (t_lastParsed is { } last && ReferenceEquals(last.Options, options) && json.SequenceEqual(last.Json))
        {
            return last.Header;
        }

        var header = ParseValidated(json, options);
        t_lastParsed = (json.ToArray(), options, header);
        return header;
    }

    private static SafetensorsHeader ParseValidated(ReadOnlySpan<byte> json, SafetensorsReadOptions options)
    {
        var (tensors, metadata) = ParseJson(json, options);
        tensors.Sort((a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
        long expectedBegin = 0;
        foreach (var t in tensors)
        {
            if (t.DataBegin != expectedBegin)
            {
                throw new SafetensorsFormatException(t.DataBegin < expectedBegin
                    ? $"tensor '{t.Name}' data_offsets [{t.DataBegin}, {t.DataEnd}] overlap the previous tensor's bytes (which end at {expectedBegin})"
                    : $"tensor '{t.Name}' data_offsets [{t.DataBegin}, {t.DataEnd}] leave a gap after byte {expectedBegin}; tensors must be contiguous from offset 0");
            }

            expectedBegin = t.DataEnd;
        }

        return new SafetensorsHeader(tensors, metadata);
    }

    private static (List<TensorInfo> Tensors, Dictionary<string, string> Metadata) ParseJson(ReadOnlySpan<byte> json, SafetensorsReadOptions options)
    {
        var tensors = new List<TensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SafetensorsFormatException("header is not a JSON object");
            }

            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    throw new SafetensorsFormatException(name == MetadataKey ? $"header has '{MetadataKey}' twice" : $"header names tensor '{name}' twice");
                }

                if (name == MetadataKey)
                {
                    ReadMetadata(ref reader, metadata);
                }
                else
                {
                    if (tensors.Count == options.MaxTensorCount)
                    {
                        throw new SafetensorsFormatException($"header declares more than {options.MaxTensorCount} tensors");
                    }

                    tensors.Add(ReadTensor(ref reader, name, options));
                }
            }

            var consumed = (int)reader.BytesConsumed;
            var garbage = json[consumed..].IndexOfAnyExcept(JsonWhitespace);
            if (garbage >= 0)
            {
                throw new SafetensorsFormatException($"header has non-space bytes after the JSON object (at header byte {consumed + garbage})");
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"header is not valid JSON: {OneLine(e.Message)}", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader throws this when a value is asked for as the wrong type.
            throw new SafetensorsFormatException($"header is not valid JSON: {OneLine(e.Message)}", e);
        }

        return (tensors, metadata);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new SafetensorsFormatException("header JSON ends early");
        }

        return reader.TokenType;
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        if (Next(ref reader) != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException($"'{MetadataKey}' must be an object of strings");
        }

        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            if (Next(ref reader) != JsonTokenType.String)
            {
                throw new SafetensorsFormatException($"'{MetadataKey}' value '{key}' must be a string");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new SafetensorsFormatException($"'{MetadataKey}' has key '{key}' twice");
            }
        }
    }

    private static TensorInfo ReadTensor(ref Utf8JsonReader reader, string name, SafetensorsReadOptions options)
    {
        if (Next(ref reader) != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException($"tensor '{name}' must be an object with dtype, shape and data_offsets");
        }

        DType? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var field = reader.GetString();
            switch (field)
            {
                case "dtype":
                    if (dtype is not null)
                    {
                        throw new SafetensorsFormatException($"tensor '{name}' has dtype twice");
                    }

                    if (Next(ref reader) != JsonTokenType.String)
                    {
                        throw new SafetensorsFormatException($"tensor '{name}' dtype must be a string");
                    }

                    var dtypeName = reader.GetString()!;
                    dtype = DTypes.TryParse(dtypeName, out var parsed)
                        ? parsed
                        : throw new SafetensorsFormatException($"tensor '{name}' has unknown dtype '{Truncate(dtypeName)}' (known: {DTypes.KnownNames})");
                    break;
                case "shape":
                    if (shape is not null)
                    {
                        throw new SafetensorsFormatException($"tensor '{name}' has shape twice");
                    }

                    shape = ReadIntegers(ref reader, name, "shape", options.MaxRank);
                    break;
                case "data_offsets":
                    if (offsets is not null)
                    {
                        throw new SafetensorsFormatException($"tensor '{name}' has data_offsets twice");
                    }

                    offsets = ReadIntegers(ref reader, name, "data_offsets", 2);
                    if (offsets.Count != 2)
                    {
                        throw new SafetensorsFormatException($"tensor '{name}' data_offsets must be [begin, end]");
                    }

                    break;
                default:
                    // Unknown fields are ignored, as the reference implementation does.
                    reader.Skip();
                    break;
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            var missing = new[] { dtype is null ? "dtype" : null, shape is null ? "shape" : null, offsets is null ? "data_offsets" : null };
            throw new SafetensorsFormatException($"tensor '{name}' lacks {string.Join(" and ", missing.Where(m => m is not null))}");
        }

        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
        {
            throw new SafetensorsFormatException($"tensor '{name}' data_offsets [{begin}, {end}] end before they begin");
        }

        long expectedBytes;
        try
        {
            expectedBytes = checked(TensorInfo.ElementCountOf(shape) * dtype.Value.SizeInBytes());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException($"tensor '{name}' shape {TensorInfo.FormatShape(shape)} is too large");
        }

        if (expectedBytes != end - begin)
        {
            throw new SafetensorsFormatException(
                $"tensor '{name}' shape {TensorInfo.FormatShape(shape)} of {dtype.Value.ToSafetensorsName()} needs {expectedBytes} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        }

        return new TensorInfo(name, dtype.Value, shape, begin, end);
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string field, int maxCount)
    {
        if (Next(ref reader) != JsonTokenType.StartArray)
        {
            throw new SafetensorsFormatException($"tensor '{name}' {field} must be an array of non-negative integers");
        }

        var values = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
            {
                throw new SafetensorsFormatException($"tensor '{name}' {field} must be an array of non-negative integers");
            }

            if (values.Count == maxCount)
            {
                throw new SafetensorsFormatException($"tensor '{name}' {field} has more than {maxCount} entries");
            }

            values.Add(value);
        }

        return values;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
