using System.Runtime.InteropServices;
using FedN.Core.Safetensors;
using static TorchSharp.torch;

namespace FedN.Examples.TorchSharp;

/// <summary>Reads and writes a module's state dict as safetensors with FedN's reader and writer: the tensors of every model file FedN moves.</summary>
public static class StateDictFile
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>: every tensor of its state dict must be there, float32, with its shape.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing, extra, or has another dtype or shape; the message names it.</exception>
    public static async Task LoadAsync(nn.Module module, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        var expected = module.state_dict();
        await using var reader = SafetensorsReader.OpenFile(path);
        if (reader.Header.Tensors.Select(tensor => tensor.Name).Except(expected.Keys, StringComparer.Ordinal).FirstOrDefault() is { } extra)
        {
            throw new InvalidDataException($"{path} has tensor '{extra}', which the model does not have (it has {string.Join(", ", expected.Keys)})");
        }

        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, parameter) in expected)
            {
                var stored = reader.Header.Tensors.FirstOrDefault(t => t.Name == name)
                    ?? throw new InvalidDataException($"{path} has no tensor '{name}'");
                if (stored.DType != DType.F32 || !stored.Shape.SequenceEqual(parameter.shape))
                {
                    throw new InvalidDataException($"{path}: '{name}' is {stored.DType.ToSafetensorsName()} {stored.ShapeText}; the model needs F32 [{string.Join(", ", parameter.shape)}]");
                }

                var bytes = new byte[stored.ByteLength];
                await reader.ReadAsync(stored, 0, bytes, cancellationToken);
                loaded[name] = tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), [.. stored.Shape]);
            }

            module.load_state_dict(loaded);
        }
        finally
        {
            foreach (var value in loaded.Values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="module"/>'s state dict to <paramref name="path"/> (float32, the state dict's names and order).</summary>
    public static async Task SaveAsync(nn.Module module, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = module.state_dict();
        var header = SafetensorsHeader.Create([.. state.Select(entry => new TensorDeclaration(entry.Key, DType.F32, entry.Value.shape))]);
        await using var writer = await SafetensorsWriter.CreateFileAsync(path, header, cancellationToken);
        foreach (var declared in header.Tensors)
        {
            var values = state[declared.Name].to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            await writer.WriteAsync(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }
}
