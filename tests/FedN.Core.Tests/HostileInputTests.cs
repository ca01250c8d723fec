using System.Buffers.Binary;
using System.Text;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public class HostileInputTests
{
    private const string Good = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    public static byte[] Build(string json, byte[] data, ulong? headerLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static TheoryData<string, string, int, string> Cases => new()
    {
        { "not JSON", "{\"w\":", 8, "not valid JSON" },
        { "JSON array", "[1,2]", 0, "not a JSON object" },
        { "tensor not object", "{\"w\":5}", 0, "must be an object" },
        { "unknown dtype", "{\"w\":{\"dtype\":\"F128\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype 'F128'" },
        { "dtype not string", "{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype must be a string" },
        { "missing shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "lacks shape" },
        { "negative dim", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "non-negative integers" },
        { "fractional dim", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, "non-negative integers" },
        { "three offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", 8, "more than 2 entries" },
        { "shape/size mismatch", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes but data_offsets [0, 8] span 8" },
        { "huge shape", "{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "too large" },
        { "reversed offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8, "end before they begin" },
        { "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlap" },
        { "gap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "leave a gap" },
        { "not starting at 0", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "leave a gap" },
        { "out of range", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "data truncated" },
        { "duplicate names", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "names tensor 'w' twice" },
        { "duplicate field", "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "has dtype twice" },
        { "metadata not strings", "{\"__metadata__\":{\"a\":1},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "must be a string" },
        { "trailing garbage in header", Good + "xx", 8, "non-space bytes after the JSON object" },
        { "trailing data", Good, 12, "4 trailing bytes" },
        { "truncated data", Good, 5, "data truncated" },
        { "deep nesting", "{\"w\":{\"dtype\":\"F32\",\"x\":[[[[[[[[[[]]]]]]]]]],\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_malformation_gets_a_one_line_reason(string what, string json, int dataBytes, string expected)
    {
        var bytes = Build(json, new byte[dataBytes]);
        var seekable = await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadFullyAsync(new MemoryStream(bytes), what));
        Assert.Contains(expected, seekable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', seekable.Message);

        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad.safetensors"), bytes);
        var file = await Assert.ThrowsAsync<SafetensorsFormatException>(async () =>
        {
            await using var reader = SafetensorsReader.OpenFile(dir.File("bad.safetensors"));
            await TestModels.ReadAllAsync(reader);
        });
        Assert.Contains(expected, file.Message, StringComparison.Ordinal);

        // Forward-only streams only learn about data problems while reading; they must still fail cleanly.
        await Assert.ThrowsAsync<SafetensorsFormatException>(async () =>
        {
            await using var reader = await TestModels.ForwardOnlySource(bytes, what).OpenAsync();
            await TestModels.ReadAllAsync(reader);
        });
    }

    [Fact]
    public async Task A_text_file_is_called_what_it_is_not_a_header_length()
    {
        var text = System.Text.Encoding.UTF8.GetBytes("{\"weights\": [1, 2, 3]}\n");
        var e = await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadFullyAsync(new MemoryStream(text), "text"));
        Assert.Contains("this is not a safetensors file: it starts with text (\"{\"weight…\")", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_length_beyond_the_limit_is_refused_before_allocating()
    {
        var bytes = Build(Good, new byte[8], headerLength: ulong.MaxValue);
        var e = await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadFullyAsync(new MemoryStream(bytes), "huge"));
        Assert.Contains("exceeds the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_length_beyond_the_file_is_refused_on_every_kind_of_source()
    {
        var bytes = Build(Good, new byte[8], headerLength: 50_000_000);
        var e = await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadFullyAsync(new MemoryStream(bytes), "beyond"));
        Assert.Contains("goes past the end", e.Message, StringComparison.Ordinal);
        var before = GC.GetAllocatedBytesForCurrentThread();
        e = await Assert.ThrowsAsync<SafetensorsFormatException>(async () => await TestModels.ForwardOnlySource(bytes, "x").OpenAsync());
        Assert.Contains("goes past the end", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "a lying header length must not drive allocation");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task Files_shorter_than_the_length_prefix_are_refused(int length)
    {
        var e = await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadFullyAsync(new MemoryStream(new byte[length]), "short"));
        Assert.Contains("too short", e.Message, StringComparison.Ordinal);
    }

    private static async Task ReadFullyAsync(Stream stream, string what)
    {
        _ = what;
        await TestModels.ReadAllAsync(stream);
    }
}
