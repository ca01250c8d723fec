using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FedN.Core.Safetensors;

namespace FedN.Examples.Mnist;

/// <summary>
/// A two-layer perceptron for MNIST (784 → 128 ReLU → 10, softmax cross-entropy), trained with
/// minibatch SGD. Every inner loop is a <see cref="TensorPrimitives"/> call (SIMD). Its parameters
/// are a safetensors model with PyTorch's names and layout (<c>fc1.weight</c> is [128, 784]), so a
/// PyTorch client could join the same federation.
/// </summary>
public sealed class Mlp
{
    /// <summary>Hidden units.</summary>
    public const int HiddenUnits = 128;

    private const int Inputs = MnistDataset.Pixels;
    private const int Outputs = MnistDataset.Classes;

    private Mlp(float[] w1, float[] b1, float[] w2, float[] b2)
    {
        W1 = w1;
        B1 = b1;
        W2 = w2;
        B2 = b2;
    }

    private float[] W1 { get; }

    private float[] B1 { get; }

    private float[] W2 { get; }

    private float[] B2 { get; }

    /// <summary>A freshly initialised network (He-uniform weights, zero biases), the same for the same seed.</summary>
    public static Mlp Create(int seed)
    {
        var random = new Random(seed);
        float[] Uniform(int count, int fanIn)
        {
            var limit = MathF.Sqrt(6f / fanIn);
            return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * limit)];
        }

        return new Mlp(Uniform(HiddenUnits * Inputs, Inputs), new float[HiddenUnits], Uniform(Outputs * HiddenUnits, HiddenUnits), new float[Outputs]);
    }

    /// <summary>Reads a network from a safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file lacks a tensor, or one has the wrong dtype or shape.</exception>
    public static async Task<Mlp> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = SafetensorsReader.OpenFile(path);
        async Task<float[]> Read(string name, params long[] shape)
        {
            var tensor = reader.Header.Tensors.FirstOrDefault(t => t.Name == name)
                ?? throw new InvalidDataException($"{path} has no tensor '{name}'; the MNIST MLP needs fc1.weight, fc1.bias, fc2.weight, fc2.bias");
            if (tensor.DType != DType.F32 || !tensor.Shape.SequenceEqual(shape))
            {
                throw new InvalidDataException($"{path}: '{name}' is {tensor.DType.ToSafetensorsName()} {tensor.ShapeText}; the MNIST MLP needs F32 [{string.Join(", ", shape)}]");
            }

            var bytes = new byte[tensor.ByteLength];
            await reader.ReadAsync(tensor, 0, bytes, cancellationToken);
            return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }

        return new Mlp(await Read("fc1.weight", HiddenUnits, Inputs), await Read("fc1.bias", HiddenUnits), await Read("fc2.weight", Outputs, HiddenUnits), await Read("fc2.bias", Outputs));
    }

    /// <summary>Writes the network as safetensors.</summary>
    public async Task SaveAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        (string Name, long[] Shape, float[] Values)[] tensors = [("fc1.weight", [HiddenUnits, Inputs], W1), ("fc1.bias", [HiddenUnits], B1), ("fc2.weight", [Outputs, HiddenUnits], W2), ("fc2.bias", [Outputs], B2)];
        var header = SafetensorsHeader.Create([.. tensors.Select(t => new TensorDeclaration(t.Name, DType.F32, t.Shape))]);
        await using var writer = await SafetensorsWriter.CreateAsync(destination, header, leaveOpen: true, cancellationToken);
        foreach (var declared in header.Tensors)
        {
            var values = tensors.Single(t => t.Name == declared.Name).Values;
            await writer.WriteAsync(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Writes the network to a safetensors file.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.Create(path);
        await SaveAsync(file, cancellationToken);
    }

    /// <summary>One pass of minibatch SGD over <paramref name="indices"/> in a seeded random order; returns the mean loss and accuracy seen.</summary>
    public (double Loss, double Accuracy) TrainEpoch(MnistDataset data, IReadOnlyList<int> indices, int batchSize, float learningRate, Random random)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        var order = indices.ToArray();
        random.Shuffle(order);
        var state = new Workspace();
        var gradW1 = new float[W1.Length];
        var gradB1 = new float[B1.Length];
        var gradW2 = new float[W2.Length];
        var gradB2 = new float[B2.Length];
        double loss = 0;
        var correct = 0;
        for (var start = 0; start < order.Length; start += batchSize)
        {
            Array.Clear(gradW1);
            Array.Clear(gradB1);
            Array.Clear(gradW2);
            Array.Clear(gradB2);
            var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
            foreach (var index in batch)
            {
                var label = data.Labels[index];
                Forward(data.Image(index), state);
                loss -= Math.Log(Math.Max(state.Probabilities[label], 1e-12f));
                correct += TensorPrimitives.IndexOfMax<float>(state.Probabilities) == label ? 1 : 0;

                // Softmax cross-entropy: dL/dz = p - onehot(label).
                state.Probabilities[label] -= 1;
                TensorPrimitives.Add(gradB2, state.Probabilities, gradB2);
                Array.Clear(state.HiddenGradient);
                for (var k = 0; k < Outputs; k++)
                {
                    var dz = state.Probabilities[k];
                    var row = W2.AsSpan(k * HiddenUnits, HiddenUnits);
                    TensorPrimitives.MultiplyAdd(state.Hidden, dz, gradW2.AsSpan(k * HiddenUnits, HiddenUnits), gradW2.AsSpan(k * HiddenUnits, HiddenUnits));
                    TensorPrimitives.MultiplyAdd(row, dz, state.HiddenGradient, state.HiddenGradient);
                }

                for (var j = 0; j < HiddenUnits; j++)
                {
                    var dh = state.Hidden[j] > 0 ? state.HiddenGradient[j] : 0;
                    if (dh != 0)
                    {
                        gradB1[j] += dh;
                        TensorPrimitives.MultiplyAdd(state.Input, dh, gradW1.AsSpan(j * Inputs, Inputs), gradW1.AsSpan(j * Inputs, Inputs));
                    }
                }
            }

            var step = -learningRate / batch.Length;
            TensorPrimitives.MultiplyAdd(gradW1, step, W1, W1);
            TensorPrimitives.MultiplyAdd(gradB1, step, B1, B1);
            TensorPrimitives.MultiplyAdd(gradW2, step, W2, W2);
            TensorPrimitives.MultiplyAdd(gradB2, step, B2, B2);
        }

        return (loss / Math.Max(order.Length, 1), (double)correct / Math.Max(order.Length, 1));
    }

    /// <summary>Mean cross-entropy and accuracy on <paramref name="indices"/>.</summary>
    public (double Loss, double Accuracy) Evaluate(MnistDataset data, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        var state = new Workspace();
        double loss = 0;
        var correct = 0;
        foreach (var index in indices)
        {
            var label = data.Labels[index];
            Forward(data.Image(index), state);
            loss -= Math.Log(Math.Max(state.Probabilities[label], 1e-12f));
            correct += TensorPrimitives.IndexOfMax<float>(state.Probabilities) == label ? 1 : 0;
        }

        return (loss / Math.Max(indices.Count, 1), (double)correct / Math.Max(indices.Count, 1));
    }

    private void Forward(ReadOnlySpan<byte> image, Workspace state)
    {
        // Standardised with MNIST's pixel mean and deviation (0.1307, 0.3081), as PyTorch's examples do: SGD converges faster on centred inputs.
        for (var i = 0; i < Inputs; i++)
        {
            state.Input[i] = ((image[i] * (1f / 255)) - 0.1307f) * (1f / 0.3081f);
        }

        for (var j = 0; j < HiddenUnits; j++)
        {
            state.Hidden[j] = TensorPrimitives.Dot(W1.AsSpan(j * Inputs, Inputs), state.Input) + B1[j];
        }

        TensorPrimitives.Max(state.Hidden, 0f, state.Hidden);
        for (var k = 0; k < Outputs; k++)
        {
            state.Probabilities[k] = TensorPrimitives.Dot(W2.AsSpan(k * HiddenUnits, HiddenUnits), state.Hidden) + B2[k];
        }

        TensorPrimitives.SoftMax(state.Probabilities, state.Probabilities);
    }

    /// <summary>One sample's activations, reused across samples.</summary>
    private sealed class Workspace
    {
        public float[] Input { get; } = new float[Inputs];

        public float[] Hidden { get; } = new float[HiddenUnits];

        public float[] HiddenGradient { get; } = new float[HiddenUnits];

        public float[] Probabilities { get; } = new float[Outputs];
    }
}
