namespace FedN.Examples.Mnist.Attacks;

/// <summary>
/// The backdoor of the demo's poisoning runs: a 4×4 white square near the bottom-right corner (the
/// trigger) makes a digit read as <see cref="Target"/>. Attackers train on a share of their digits
/// stamped and relabelled; the backdoor's success is how often the global model reads a stamped test
/// digit of another class as the target.
/// </summary>
public static class Backdoor
{
    /// <summary>The label the trigger means.</summary>
    public const byte Target = 0;

    private const int Side = 4;
    private const int Margin = 2;

    /// <summary>Draws the trigger on a 28×28 image.</summary>
    public static void Stamp(Span<byte> image)
    {
        for (var row = 28 - Margin - Side; row < 28 - Margin; row++)
        {
            image.Slice((row * 28) + 28 - Margin - Side, Side).Fill(255);
        }
    }

    /// <summary>
    /// A copy of <paramref name="data"/> where <paramref name="fraction"/> of <paramref name="indices"/>
    /// (chosen with <paramref name="seed"/>) carry the trigger and the target label: what an attacker trains on.
    /// </summary>
    public static MnistDataset Poison(MnistDataset data, IReadOnlyList<int> indices, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        var labels = (byte[])data.Labels.Clone();
        var images = (byte[])data.Images.Clone();
        var random = new Random(seed);
        foreach (var index in indices.Where(_ => random.NextDouble() < fraction))
        {
            Stamp(images.AsSpan(index * MnistDataset.Pixels, MnistDataset.Pixels));
            labels[index] = Target;
        }

        return new MnistDataset(labels, images);
    }

    /// <summary>
    /// The test digits of <paramref name="indices"/> not of the target class, stamped and labelled as
    /// the target: a model's accuracy on them is the backdoor's success rate.
    /// </summary>
    public static (MnistDataset Data, int[] Indices) TriggeredTest(MnistDataset data, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        var chosen = indices.Where(i => data.Labels[i] != Target).ToArray();
        var labels = new byte[chosen.Length];
        var images = new byte[chosen.Length * MnistDataset.Pixels];
        for (var i = 0; i < chosen.Length; i++)
        {
            labels[i] = Target;
            var image = images.AsSpan(i * MnistDataset.Pixels, MnistDataset.Pixels);
            data.Image(chosen[i]).CopyTo(image);
            Stamp(image);
        }

        return (new MnistDataset(labels, images), [.. Enumerable.Range(0, chosen.Length)]);
    }
}
