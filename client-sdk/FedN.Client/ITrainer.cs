using FedN.Contracts.Messaging;

namespace FedN.Client;

/// <summary>
/// The user's machine learning code: trains a model on local data and validates one on held-out data.
/// Models are safetensors files; the client downloads the input and uploads the output.
/// </summary>
public interface ITrainer
{
    /// <summary>Trains from <see cref="TrainingRequest.InputModelPath"/> and writes the result to <see cref="TrainingRequest.OutputModelPath"/>.</summary>
    Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken);

    /// <summary>Evaluates the model at <see cref="ValidationRequest.ModelPath"/> on held-out data.</summary>
    Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken);
}

/// <summary>A training task, with its files.</summary>
/// <param name="Task">The task as the server sent it.</param>
/// <param name="InputModelPath">The global model (safetensors).</param>
/// <param name="OutputModelPath">Where to write the trained model (safetensors, same tensors).</param>
public sealed record TrainingRequest(ClientTask Task, string InputModelPath, string OutputModelPath);

/// <summary>What training produced besides the model.</summary>
/// <param name="NumExamples">Training examples used: the update's weight in the aggregate.</param>
/// <param name="Metrics">Training metrics, for example loss.</param>
public sealed record TrainingResult(long NumExamples, IReadOnlyDictionary<string, double>? Metrics = null);

/// <summary>A validation task, with its file.</summary>
/// <param name="Task">The task as the server sent it.</param>
/// <param name="ModelPath">The model to evaluate (safetensors).</param>
public sealed record ValidationRequest(ClientTask Task, string ModelPath);

/// <summary>A validation's outcome.</summary>
/// <param name="NumExamples">Held-out examples evaluated: the result's weight in the round's figures.</param>
/// <param name="Metrics">Metrics, for example accuracy and loss.</param>
public sealed record ValidationResult(long NumExamples, IReadOnlyDictionary<string, double> Metrics);
