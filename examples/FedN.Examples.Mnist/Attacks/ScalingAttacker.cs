using FedN.Client;
using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Examples.Mnist.Attacks;

/// <summary>
/// A malicious site for the demo's hostile runs: it trains honestly, then sends global +
/// <see cref="Scale"/> · (trained − global): with a large scale and a large claim of
/// <see cref="ClaimedExamples"/>, a model-replacement attack; with a negative scale, a sign flip
/// (gradient ascent). What the session's defences make of it is what the demo then measures.
/// </summary>
/// <param name="honest">The trainer it wraps.</param>
public sealed class ScalingAttacker(ITrainer honest) : ITrainer
{
    /// <summary>How much it scales its update's difference from the global model.</summary>
    public double Scale { get; init; } = 1e6;

    /// <summary>The examples it claims (the intake refuses more than 10⁹ by default); <see langword="null"/> claims its real count.</summary>
    public long? ClaimedExamples { get; init; } = 1_000_000_000;

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var trained = request.OutputModelPath + ".honest";
        var result = await honest.TrainAsync(request with { OutputModelPath = trained }, cancellationToken);
        try
        {
            using var global = SafetensorsReader.OpenFile(request.InputModelPath);
            using var update = SafetensorsReader.OpenFile(trained);
            await using var output = File.Create(request.OutputModelPath);
            await UpdateNorm.WriteScaledAsync(global, update, Scale, output, cancellationToken);
        }
        finally
        {
            File.Delete(trained);
        }

        return result with { NumExamples = ClaimedExamples ?? result.NumExamples };
    }

    /// <inheritdoc />
    public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) => honest.ValidateAsync(request, cancellationToken);
}
