using System.Buffers.Binary;
using System.Text;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public class SafetensorsRoundTripTests
{
    [Fact]
    public async Task Every_dtype_and_the_metadata_round_trip_through_file_and_stream()
    {
        var random = new Random(1);
        var arithmetic = Enum.GetValues<DType>().Where(Numerics.ElementCodec.IsArithmetic).ToArray();
        var layout = arithmetic.Select((d, i) => new TensorDeclaration($"t{i}", d, [3, (long)i + 1])).ToList();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };
        var model = TestModels.Random(random, layout, scale: 100, metadata);
        using var dir = new TempDirectory();
        var path = model.WriteTo(dir.Path, "m.safetensors");

        await using var reader = SafetensorsReader.OpenFile(path);
        Assert.Equal(metadata, reader.Header.Metadata);
        Assert.Equal(layout.Select(l => (l.Name, l.DType)), reader.Header.Tensors.Select(t => (t.Name, t.DType)));
        var values = await TestModels.ReadAllAsync(reader);
        Assert.Equal(0, TestModels.MaxAbsDifference(model.Values, values));

        var fromStream = await TestModels.ReadAllAsync(new MemoryStream(model.ToBytes()));
        Assert.Equal(0, TestModels.MaxAbsDifference(model.Values, fromStream));
    }

    [Fact]
    public void Parsing_the_same_header_bytes_again_reuses_the_parsed_header_and_other_bytes_never_do()
    {
        var json = SafetensorsHeader.Create([new TensorDeclaration("w", DType.F32, [3]), new TensorDeclaration("b", DType.F32, [1])]).ToJsonBytes();
        var first = SafetensorsHeader.Parse(json);
        Assert.Same(first, SafetensorsHeader.Parse(json.ToArray()));

        // Same length, one byte different: a different tensor, parsed afresh.
        var renamed = json.ToArray();
        renamed[Array.IndexOf(renamed, (byte)'w')] = (byte)'v';
        var other = SafetensorsHeader.Parse(renamed);
        Assert.True(other.TryGetTensor("v", out _));
        Assert.False(other.TryGetTensor("w", out _));

        // Limits are part of the key: stricter options re-validate.
        var strict = new SafetensorsReadOptions { MaxTensorCount = 1 };
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeader.Parse(json, strict));
    }

    [Fact]
    public void Header_is_padded_so_data_starts_8_byte_aligned()
    {
        for (var n = 0; n < 20; n++)
        {
            var header = SafetensorsHeader.Create([new TensorDeclaration(new string('x', n + 1), DType.F32, [1])]);
            Assert.Equal(0, (8 + header.ToJsonBytes().Length) % 8);
        }
    }

    [Fact]
    public async Task Reads_a_file_laid_out_as_the_Python_reference_writes_it()
    {
        // What safetensors.torch.save_file({"b": torch.tensor([1.5, -2.0]), "a": torch.tensor([[7]], dtype=torch.int64)}) writes:
        // tensors sorted by dtype size then name, header padded with spaces.
        var json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        json = json.PadRight((json.Length + 7) / 8 * 8);
        var data = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(data, 7);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(12), -2.0f);
        var bytes = HostileInputTests.Build(json, data);

        var values = await TestModels.ReadAllAsync(new MemoryStream(bytes));
        Assert.Equal([7.0], values["a"]);
        Assert.Equal([1.5, -2.0], values["b"]);
    }

    [Fact]
    public async Task Large_tensors_are_read_in_chunks_through_a_forward_only_stream()
    {
        var model = TestModels.Random(new Random(2), [new TensorDeclaration("big", DType.F32, [300_000]), new TensorDeclaration("small", DType.F16, [5])]);
        var source = TestModels.ForwardOnlySource(model.ToBytes(), "forward");
        await using var reader = await source.OpenAsync();
        Assert.False(reader.IsRandomAccess);
        var big = reader.Header.Tensors.Single(t => t.Name == "big");
        var chunk = new byte[4096];
        var sum = 0.0;
        for (long offset = 0; offset < big.ByteLength; offset += chunk.Length)
        {
            var length = (int)Math.Min(chunk.Length, big.ByteLength - offset);
            await reader.ReadAsync(big, offset, chunk.AsMemory(0, length));
            for (var i = 0; i < length; i += 4)
            {
                sum += BinaryPrimitives.ReadSingleLittleEndian(chunk.AsSpan(i));
            }
        }

        Assert.Equal(model.Values["big"].Sum(), sum, 6);
        await reader.VerifyEndAsync();
    }

    [Fact]
    public async Task A_failed_file_write_leaves_nothing_under_the_final_name()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.safetensors");
        var header = SafetensorsHeader.Create([new TensorDeclaration("w", DType.F32, [4])]);
        await using (var writer = await SafetensorsWriter.CreateFileAsync(path, header))
        {
            await writer.WriteAsync(new byte[8]);
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync());
        }

        Assert.Empty(Directory.GetFiles(dir.Path));

        await using (var writer = await SafetensorsWriter.CreateFileAsync(path, header))
        {
            await writer.WriteAsync(new byte[16]);
            await writer.CompleteAsync();
        }

        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Writer_refuses_more_bytes_than_declared()
    {
        var header = SafetensorsHeader.Create([new TensorDeclaration("w", DType.F16, [2])]);
        await using var writer = await SafetensorsWriter.CreateAsync(new MemoryStream(), header);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(new byte[5]));
    }

    [Fact]
    public void Create_rejects_duplicate_and_reserved_names()
    {
        Assert.Throws<ArgumentException>(() => SafetensorsHeader.Create([new("a", DType.F32, [1]), new("a", DType.F32, [1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsHeader.Create([new(SafetensorsHeader.MetadataKey, DType.F32, [1])]));
    }

    [Fact]
    public void Scalars_and_empty_tensors_are_valid()
    {
        var header = SafetensorsHeader.Parse(Encoding.UTF8.GetBytes("{\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[8,8]}}"));
        Assert.Equal(1, header.Tensors.Single(t => t.Name == "s").ElementCount);
        Assert.Equal(0, header.Tensors.Single(t => t.Name == "e").ElementCount);
        Assert.Equal(8, header.DataLength);
    }
}
