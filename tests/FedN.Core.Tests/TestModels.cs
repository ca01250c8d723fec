using FedN.Core.Aggregation;
using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

/// <summary>Builds safetensors models with known values, and reads them back as doubles.</summary>
internal static class TestModels
{
    public static readonly DType[] FloatTypes = [DType.F32, DType.F64, DType.F16, DType.BF16];

    /// <summary>A model in memory: header plus each tensor's values (already representable in its dtype).</summary>
    public sealed record Model(SafetensorsHeader Header, Dictionary<string, double[]> Values)
    {
        public byte[] ToBytes()
        {
            using var stream = new MemoryStream();
            WriteAsync(stream).GetAwaiter().GetResult();
            return stream.ToArray();
        }

        public async Task WriteAsync(Stream stream)
        {
            await using var writer = await SafetensorsWriter.CreateAsync(stream, Header, leaveOpen: true);
            foreach (var t in Header.Tensors)
            {
                var bytes = new byte[t.ByteLength];
                ElementCodec.Encode<double>(t.DType, Values[t.Name], bytes);
                await writer.WriteAsync(bytes);
            }

            await writer.CompleteAsync();
        }

        public string WriteTo(string directory, string name)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllBytes(path, ToBytes());
            return path;
        }
    }

    /// <summary>Random tensors with the given layout; values rounded to what each dtype can hold.</summary>
    public static Model Random(Random random, IReadOnlyList<TensorDeclaration> layout, double scale = 1.0, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = SafetensorsHeader.Create(layout, metadata);
        var values = new Dictionary<string, double[]>();
        foreach (var t in header.Tensors)
        {
            var raw = new double[t.ElementCount];
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = ((random.NextDouble() * 2) - 1) * scale;
            }

            values[t.Name] = RoundTrip(t.DType, raw);
        }

        return new Model(header, values);
    }

    /// <summary>A random layout: 1-5 tensors of random rank (0-3), small dims, dtypes from <paramref name="dtypes"/>.</summary>
    public static List<TensorDeclaration> RandomLayout(Random random, DType[]? dtypes = null)
    {
        dtypes ??= FloatTypes;
        var layout = new List<TensorDeclaration>();
        var count = random.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            var rank = random.Next(0, 4);
            var shape = Enumerable.Range(0, rank).Select(_ => (long)random.Next(1, 40)).ToArray();
            layout.Add(new TensorDeclaration($"layer{i}.{(rank == 0 ? "scale" : "weight")}", dtypes[random.Next(dtypes.Length)], shape));
        }

        return layout;
    }

    /// <summary>Same layout and values with every tensor reordered in the file (as another writer might lay it out).</summary>
    public static Model Reordered(Model model) =>
        model with
        {
            Header = SafetensorsHeader.Create(
                model.Header.Tensors.Reverse().Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)),
                model.Header.Metadata),
        };

    public static double[] RoundTrip(DType dtype, double[] values)
    {
        var bytes = new byte[values.Length * dtype.SizeInBytes()];
        ElementCodec.Encode<double>(dtype, values, bytes);
        var back = new double[values.Length];
        ElementCodec.Decode(dtype, bytes, back);
        return back;
    }

    /// <summary>Reads every tensor of a safetensors file, whole, as doubles (test sizes only).</summary>
    public static async Task<Dictionary<string, double[]>> ReadAllAsync(Stream stream)
    {
        await using var reader = await SafetensorsReader.OpenAsync(stream, leaveOpen: true);
        return await ReadAllAsync(reader);
    }

    public static async Task<Dictionary<string, double[]>> ReadAllAsync(SafetensorsReader reader)
    {
        var values = new Dictionary<string, double[]>();
        foreach (var t in reader.Header.Tensors)
        {
            var bytes = new byte[t.ByteLength];
            await reader.ReadAsync(t, 0, bytes);
            var decoded = new double[t.ElementCount];
            ElementCodec.Decode(t.DType, bytes, decoded);
            values[t.Name] = decoded;
        }

        await reader.VerifyEndAsync();
        return values;
    }

    public static ModelSource Source(byte[] bytes, string id) =>
        new(id, ct => new ValueTask<SafetensorsReader>(SafetensorsReader.OpenAsync(new MemoryStream(bytes, writable: false), cancellationToken: ct)));

    /// <summary>A source whose stream cannot seek (like an HTTP download).</summary>
    public static ModelSource ForwardOnlySource(byte[] bytes, string id) =>
        new(id, ct => new ValueTask<SafetensorsReader>(SafetensorsReader.OpenAsync(new ForwardOnlyStream(new MemoryStream(bytes, writable: false)), cancellationToken: ct)));

    /// <summary>The weighted mean computed naively in double precision, as the reference.</summary>
    public static Dictionary<string, double[]> ReferenceMean(IReadOnlyList<(Model Model, double Weight)> updates)
    {
        var total = updates.Sum(u => u.Weight);
        var result = new Dictionary<string, double[]>();
        foreach (var t in updates[0].Model.Header.Tensors)
        {
            var mean = new double[t.ElementCount];
            foreach (var (model, weight) in updates)
            {
                var values = model.Values[t.Name];
                for (var i = 0; i < mean.Length; i++)
                {
                    mean[i] += weight * values[i];
                }
            }

            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] /= total;
            }

            result[t.Name] = mean;
        }

        return result;
    }

    /// <summary>The largest |a − b| over all tensors.</summary>
    public static double MaxAbsDifference(Dictionary<string, double[]> a, Dictionary<string, double[]> b)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        var max = 0.0;
        foreach (var (name, values) in a)
        {
            Assert.Equal(values.Length, b[name].Length);
            for (var i = 0; i < values.Length; i++)
            {
                max = Math.Max(max, Math.Abs(values[i] - b[name][i]));
            }
        }

        return max;
    }

    /// <summary>Relative tolerance of one rounding to a dtype (half an ulp at 1.0).</summary>
    public static double Epsilon(DType dtype) => dtype switch
    {
        DType.F64 => 1e-15,
        DType.F32 => 6e-8,
        DType.F16 => 4.9e-4,
        DType.BF16 => 3.9e-3,
        _ => 0.5,
    };

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 777));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
