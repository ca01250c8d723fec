using FedN.Client;
using FedN.Core.Numerics;

namespace FedN.Examples.Mnist;

/// <summary>How a client trains the MNIST MLP each round.</summary>
public sealed record MnistTrainingOptions
{
    /// <summary>Passes over the client's training digits per round.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Digits per SGD step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>SGD step size.</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Seeds the shuffling (with the round, so rounds differ and runs repeat).</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// One client's MNIST trainer: trains the global MLP on its own digits and validates models on its
/// held-out digits. The digits never leave it; only the model does.
/// </summary>
/// <param name="data">The dataset the indices point into.</param>
/// <param name="training">This client's training digits.</param>
/// <param name="validation">This client's held-out digits.</param>
/// <param name="options">Epochs, batch size, learning rate, seed.</param>
public sealed class MnistTrainer(MnistDataset data, IReadOnlyList<int> training, IReadOnlyList<int> validation, MnistTrainingOptions? options = null) : ITrainer
{
    private readonly MnistTrainingOptions _options = options ?? new MnistTrainingOptions();

    /// <summary>Splits a client's share into training and held-out digits (the last <paramref name="heldOut"/> fraction).</summary>
    public static MnistTrainer ForShare(MnistDataset data, IReadOnlyList<int> share, double heldOut, MnistTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(share);
        var validationCount = Math.Max(1, (int)Math.Round(share.Count * heldOut));
        return new MnistTrainer(data, [.. share.Take(share.Count - validationCount)], [.. share.Skip(share.Count - validationCount)], options);
    }

    /// <summary>Training digits.</summary>
    public int TrainingCount => training.Count;

    /// <summary>Held-out digits.</summary>
    public int ValidationCount => validation.Count;

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await Mlp.LoadAsync(request.InputModelPath, cancellationToken);
        // HashCode is randomised per process: a run would not repeat. StableSeeds is the same everywhere.
        var random = new Random((int)StableSeeds.Combine((ulong)_options.Seed, (ulong)request.Task.Round, (ulong)request.Task.Attempt));
        (double Loss, double Accuracy) last = default;
        for (var epoch = 0; epoch < _options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            last = model.TrainEpoch(data, training, _options.BatchSize, _options.LearningRate, random);
        }

        await model.SaveAsync(request.OutputModelPath, cancellationToken);
        return new TrainingResult(training.Count, new Dictionary<string, double> { ["loss"] = last.Loss, ["accuracy"] = last.Accuracy });
    }

    /// <inheritdoc />
    public async Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await Mlp.LoadAsync(request.ModelPath, cancellationToken);
        var (loss, accuracy) = model.Evaluate(data, validation);
        return new ValidationResult(validation.Count, new Dictionary<string, double> { ["accuracy"] = accuracy, ["loss"] = loss });
    }
}
