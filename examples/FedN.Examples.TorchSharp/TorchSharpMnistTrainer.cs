using FedN.Client;
using FedN.Examples.Mnist;
using static TorchSharp.torch;

namespace FedN.Examples.TorchSharp;

/// <summary>How the TorchSharp client trains each round (the PyTorch example's defaults).</summary>
public sealed record TorchSharpTrainingOptions
{
    /// <summary>Passes over the client's training digits per round.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Digits per SGD step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>SGD step size.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Seeds the shuffling, with the round.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Trains <see cref="MnistCnn"/> on this client's digits: reads the global model FedN hands it,
/// runs SGD with momentum (as examples/pytorch-mnist/train.py does), and writes the model back with
/// the same tensor names, so PyTorch and TorchSharp clients train one model in one session.
/// </summary>
public sealed class TorchSharpMnistTrainer : ITrainer
{
    private readonly Tensor _trainX;
    private readonly Tensor _trainY;
    private readonly Tensor _validationX;
    private readonly Tensor _validationY;
    private readonly TorchSharpTrainingOptions _options;

    /// <summary>A trainer over <paramref name="share"/> of <paramref name="data"/>, whose last <paramref name="heldOut"/> fraction is held out for validation.</summary>
    public TorchSharpMnistTrainer(MnistDataset data, IReadOnlyList<int> share, double heldOut = 0.2, TorchSharpTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(share);
        _options = options ?? new TorchSharpTrainingOptions();
        var validationCount = Math.Max(1, (int)(share.Count * heldOut));
        (_trainX, _trainY) = Batch(data, share.Take(share.Count - validationCount).ToArray());
        (_validationX, _validationY) = Batch(data, share.Skip(share.Count - validationCount).ToArray());
    }

    /// <summary>Training digits.</summary>
    public long TrainingCount => _trainY.shape[0];

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var model = new MnistCnn();
        await StateDictFile.LoadAsync(model, request.InputModelPath, cancellationToken);
        using var optimizer = optim.SGD(model.parameters(), _options.LearningRate, momentum: _options.Momentum);
        var generator = new Random(_options.Seed * 1000 + request.Task.Round);
        model.train();
        double totalLoss = 0;
        long correct = 0, seen = 0;
        for (var epoch = 0; epoch < _options.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, (int)TrainingCount).ToArray();
            generator.Shuffle(order);
            for (var start = 0; start < order.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = tensor(order[start..Math.Min(order.Length, start + _options.BatchSize)].Select(i => (long)i).ToArray());
                var (x, y) = (_trainX.index_select(0, batch), _trainY.index_select(0, batch));
                optimizer.zero_grad();
                var logits = model.forward(x);
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                optimizer.step();
                totalLoss += loss.item<float>() * batch.shape[0];
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += batch.shape[0];
            }
        }

        await StateDictFile.SaveAsync(model, request.OutputModelPath, cancellationToken);
        return new TrainingResult(TrainingCount, new Dictionary<string, double> { ["loss"] = totalLoss / seen, ["accuracy"] = (double)correct / seen });
    }

    /// <inheritdoc />
    public async Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var model = new MnistCnn();
        await StateDictFile.LoadAsync(model, request.ModelPath, cancellationToken);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.forward(_validationX);
        var loss = nn.functional.cross_entropy(logits, _validationY).item<float>();
        var accuracy = logits.argmax(1).eq(_validationY).to_type(ScalarType.Float32).mean().item<float>();
        return new ValidationResult(_validationY.shape[0], new Dictionary<string, double> { ["accuracy"] = accuracy, ["loss"] = loss });
    }

    private static (Tensor X, Tensor Y) Batch(MnistDataset data, int[] indices)
    {
        var pixels = new float[indices.Length * MnistDataset.Pixels];
        var labels = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var image = data.Image(indices[i]);
            for (var p = 0; p < MnistDataset.Pixels; p++)
            {
                pixels[(i * MnistDataset.Pixels) + p] = image[p] / 255f;
            }

            labels[i] = data.Labels[indices[i]];
        }

        return (tensor(pixels, [indices.Length, 1, 28, 28]), tensor(labels));
    }
}
