using System.Security.Cryptography;
using FedN.Client;
using FedN.Core.Aggregation;
using FedN.Core.Aggregation.Privacy;
using FedN.Core.Safetensors;

namespace FedN.Cli;

/// <summary>
/// Client-side (local) differential privacy around any trainer: the trained model's difference from
/// the global model is clipped to <see cref="ClipNorm"/> C, then Gaussian noise of standard deviation
/// σ·C (one client's sensitivity) is added to every parameter, from a seed drawn with a
/// cryptographic generator, before the update leaves the machine. The server never sees the raw
/// update. It lives with <c>fedn client run</c> rather than in the SDK, which reads no model files
/// (its only dependency is the contracts).
/// </summary>
internal sealed class PrivateTrainer(ITrainer inner, double clipNorm, double noiseMultiplier) : ITrainer
{
    /// <summary>C, the L2 bound of the update's difference from the global model.</summary>
    public double ClipNorm { get; } = double.IsFinite(clipNorm) && clipNorm > 0 ? clipNorm : throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "the clipping norm must be a positive number");

    /// <summary>σ: the noise's standard deviation is σ·C.</summary>
    public double NoiseMultiplier { get; } = double.IsFinite(noiseMultiplier) && noiseMultiplier >= 0 ? noiseMultiplier : throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "the noise multiplier must not be negative");

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var trained = request.OutputModelPath + ".trained";
        var clipped = request.OutputModelPath + ".clipped";
        try
        {
            var result = await inner.TrainAsync(request with { OutputModelPath = trained }, cancellationToken);
            using (var global = SafetensorsReader.OpenFile(request.InputModelPath))
            {
                double distance;
                using (var update = SafetensorsReader.OpenFile(trained))
                {
                    distance = await UpdateNorm.DistanceAsync(global, update, cancellationToken);
                }

                if (!double.IsFinite(distance))
                {
                    throw new InvalidDataException("the trained model holds values that are not finite; nothing is sent");
                }

                using var again = SafetensorsReader.OpenFile(trained);
                await using var file = File.Create(clipped);
                await UpdateNorm.WriteScaledAsync(global, again, distance > ClipNorm ? ClipNorm / distance : 1, file, cancellationToken);
            }

            using (var bounded = SafetensorsReader.OpenFile(clipped))
            await using (var output = File.Create(request.OutputModelPath))
            {
                var seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
                await GaussianMechanism.AddNoiseAsync(bounded, output, NoiseMultiplier * ClipNorm, seed, cancellationToken);
            }

            return result;
        }
        finally
        {
            File.Delete(trained);
            File.Delete(clipped);
        }
    }

    /// <inheritdoc />
    public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) => inner.ValidateAsync(request, cancellationToken);
}
