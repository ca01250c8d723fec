using FedN.Core.Safetensors;
using FedN.Testing.Shared;

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
        await File.WriteAllBytesAsync(request.OutputModelPath, await F32Models.ShiftAsync(await File.ReadAllBytesAsync(request.InputModelPath, cancellationToken), shift), cancellationToken);
        Trained++;
        return new TrainingResult(examples, new Dictionary<string, double> { ["loss"] = 1.0 / (1 + Trained) });
    }

    public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ValidationResult(examples / 4, new Dictionary<string, double> { ["accuracy"] = shift / 10 }));

    /// <summary>Two F32 tensors with varied values.</summary>
    public static Task<byte[]> SeedAsync() =>
        F32Models.CreateAsync([new TensorDeclaration("bias", DType.F32, [16]), new TensorDeclaration("weight", DType.F32, [32, 16])], i => MathF.Cos(i * 0.3f));
}
