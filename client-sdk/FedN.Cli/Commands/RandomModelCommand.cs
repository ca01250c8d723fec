using System.CommandLine;
using System.Globalization;
using FedN.Core.Numerics;
using FedN.Core.Safetensors;

namespace FedN.Cli.Commands;

/// <summary><c>fedn model random --out FILE --tensors name:DTYPE:AxB,...</c>: a model with seeded random values, for trying things out and for benchmarks.</summary>
internal static class RandomModelCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Where to write the model.", Required = true };
        var tensors = new Option<string>("--tensors")
        {
            Description = "Comma-separated NAME:DTYPE:SHAPE, SHAPE as AxBxC (empty for a scalar).",
            DefaultValueFactory = _ => "fc1.weight:F32:784x128,fc1.bias:F32:128,fc2.weight:F32:128x10,fc2.bias:F32:10",
        };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
        var scale = new Option<double>("--scale") { Description = "Values are uniform in [-scale, scale].", DefaultValueFactory = _ => 0.1 };
        var command = new Command("random", "Write a model with seeded uniform random values (examples and benchmarks).") { output, tensors, seed, scale };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(() =>
            WriteAsync(parse.GetValue(output)!, ParseLayout(parse.GetValue(tensors)!), parse.GetValue(seed), parse.GetValue(scale), ct)));
        return command;
    }

    /// <summary>Writes a seeded random model, streaming, so any size works.</summary>
    public static async Task WriteAsync(string path, IReadOnlyList<TensorDeclaration> layout, int seed, double scale, CancellationToken ct)
    {
        var header = SafetensorsHeader.Create(layout, new Dictionary<string, string> { ["fedn.generator"] = $"random seed={seed}" });
        var random = new Random(seed);
        var values = new float[1 << 16];
        var bytes = new byte[values.Length * 8];
        await using var writer = await SafetensorsWriter.CreateFileAsync(path, header, ct);
        foreach (var tensor in header.Tensors)
        {
            for (long start = 0; start < tensor.ElementCount; start += values.Length)
            {
                var count = (int)Math.Min(values.Length, tensor.ElementCount - start);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
                }

                var size = count * tensor.DType.SizeInBytes();
                ElementCodec.Encode<float>(tensor.DType, values.AsSpan(0, count), bytes.AsSpan(0, size));
                await writer.WriteAsync(bytes.AsMemory(0, size), ct);
            }
        }

        await writer.CompleteAsync(ct);
    }

    public static List<TensorDeclaration> ParseLayout(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseTensor)];

    private static TensorDeclaration ParseTensor(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || !DTypes.TryParse(parts[1], out var dtype) || !ElementCodec.IsArithmetic(dtype))
        {
            throw new CliFailure($"'{text}' is not NAME:DTYPE:SHAPE with an arithmetic dtype (for example fc1.weight:F32:784x128)");
        }

        var shape = parts[2].Length == 0 ? [] : parts[2].Split('x').Select(d =>
            long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new CliFailure($"'{text}': dimension '{d}' is not a non-negative integer")).ToArray();
        return new TensorDeclaration(parts[0], dtype, shape);
    }
}
