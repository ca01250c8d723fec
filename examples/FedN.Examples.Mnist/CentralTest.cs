using FedN.Examples.Mnist.Attacks;

namespace FedN.Examples.Mnist;

/// <summary>
/// Digits no client holds, kept by the demo to measure each global model the way the attack
/// experiments report it: clean accuracy on them, and the backdoor's success rate on them stamped
/// with the trigger (digits of the target class left out).
/// </summary>
public sealed class CentralTest
{
    private readonly MnistDataset _data;
    private readonly (MnistDataset Data, int[] Indices) _triggered;

    private CentralTest(MnistDataset data, int[] test, int[] rest)
    {
        _data = data;
        Indices = test;
        Rest = rest;
        _triggered = Backdoor.TriggeredTest(data, test);
    }

    /// <summary>The test digits.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>The other digits, for the clients.</summary>
    public IReadOnlyList<int> Rest { get; }

    /// <summary>Sets <paramref name="count"/> digits aside, chosen with <paramref name="seed"/>.</summary>
    public static CentralTest SetAside(MnistDataset data, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, data.Count / 2);
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed ^ 0x5EED).Shuffle(order);
        return new CentralTest(data, [.. order.Take(count).Order()], [.. order.Skip(count).Order()]);
    }

    /// <summary>Clean accuracy and backdoor success of the model at <paramref name="modelPath"/>.</summary>
    public async Task<(double Accuracy, double BackdoorSuccess)> EvaluateAsync(string modelPath, CancellationToken cancellationToken)
    {
        var model = await Mlp.LoadAsync(modelPath, cancellationToken);
        return (model.Evaluate(_data, Indices).Accuracy, model.Evaluate(_triggered.Data, _triggered.Indices).Accuracy);
    }
}
