using System.Runtime.InteropServices;
using FedN.Core.Safetensors;

namespace FedN.Testing.Shared;

/// <summary>Small all-F32 safetensors models whose values tests can predict. Compiled into each test project that needs them.</summary>
internal static class F32Models
{
    /// <summary>A model of <paramref name="tensors"/>, element i of each being <paramref name="value"/>(i).</summary>
    public static async Task<byte[]> CreateAsync(IReadOnlyList<TensorDeclaration> tensors, Func<int, float> value)
    {
        var header = SafetensorsHeader.Create(tensors);
        var output = new MemoryStream();
        await using (var writer = await SafetensorsWriter.CreateAsync(output, header, leaveOpen: true))
        {
            foreach (var tensor in header.Tensors)
            {
                var values = Enumerable.Range(0, (int)tensor.ElementCount).Select(value).ToArray();
                await writer.WriteAsync(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
            }

            await writer.CompleteAsync();
        }

        return output.ToArray();
    }

    /// <summary>The model with <paramref name="delta"/> added to every parameter: a stand-in for training whose result is known.</summary>
    public static async Task<byte[]> ShiftAsync(byte[] model, float delta)
    {
        await using var reader = await SafetensorsReader.OpenAsync(new MemoryStream(model));
        var output = new MemoryStream();
        var header = SafetensorsHeader.Create(reader.Header.Tensors.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)));
        await using (var writer = await SafetensorsWriter.CreateAsync(output, header, leaveOpen: true))
        {
            foreach (var tensor in header.Tensors)
            {
                var bytes = new byte[tensor.ByteLength];
                await reader.ReadAsync(reader.Header.Tensors.Single(t => t.Name == tensor.Name), 0, bytes);
                var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] += delta;
                }

                await writer.WriteAsync(bytes);
            }

            await writer.CompleteAsync();
        }

        return output.ToArray();
    }

    /// <summary>Every parameter, tensors in name order.</summary>
    public static async Task<float[]> ReadAsync(byte[] model)
    {
        await using var reader = await SafetensorsReader.OpenAsync(new MemoryStream(model));
        List<float> values = [];
        foreach (var tensor in reader.Header.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var bytes = new byte[tensor.ByteLength];
            await reader.ReadAsync(tensor, 0, bytes);
            values.AddRange(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).ToArray());
        }

        return [.. values];
    }
}
