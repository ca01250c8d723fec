using System.Runtime.InteropServices;
using FedN.Core.Safetensors;

namespace FedN.Client.Tests;

/// <summary>
/// A .NET trainer whose result is known exactly: training adds <c>shift</c> to every parameter and
/// reports <c>examples</c> examples (after <c>delay</c>, as if it worked); validation reports accuracy <c>shift / 10</c>.
/// </summary>
internal sealed class ShiftTrainer(float shift, long examples, TimeSpan delay = default) : ITrainer
{
    public int Trained { get; private set; }

    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        await using var reader = await SafetensorsReader.OpenAsync(File.OpenRead(request.InputModelPath), cancellationToken: cancellationToken);
        await using var output = File.Create(request.OutputModelPath);
        await using var writer = await SafetensorsWriter.CreateAsync(output, reader.Header, cancellationToken: cancellationToken);
        foreach (var tensor in reader.Header.Tensors)
        {
            var bytes = new byte[tensor.ByteLength];
            await reader.ReadAsync(tensor, 0, bytes, cancellationToken);
            var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
            for (var i = 0; i < values.Length; i++)
            {
                values[i] += shift;
            }

            await writer.WriteAsync(bytes, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
        Trained++;
        return new TrainingResult(examples, new Dictionary<string, double> { ["loss"] = 1.0 / (1 + Trained) });
    }

    public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ValidationResult(examples / 4, new Dictionary<string, double> { ["accuracy"] = shift / 10 }));

    /// <summary>Two F32 tensors with varied values.</summary>
    public static async Task<byte[]> SeedAsync()
    {
        var header = SafetensorsHeader.Create([new TensorDeclaration("bias", DType.F32, [16]), new TensorDeclaration("weight", DType.F32, [32, 16])]);
        var output = new MemoryStream();
        await using (var writer = await SafetensorsWriter.CreateAsync(output, header, leaveOpen: true))
        {
            foreach (var tensor in header.Tensors)
            {
                var values = Enumerable.Range(0, (int)tensor.ElementCount).Select(i => MathF.Cos(i * 0.3f)).ToArray();
                await writer.WriteAsync(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
            }

            await writer.CompleteAsync();
        }

        return output.ToArray();
    }

    /// <summary>Every parameter of a safetensors file, tensors in name order.</summary>
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
