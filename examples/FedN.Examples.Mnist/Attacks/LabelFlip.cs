namespace FedN.Examples.Mnist.Attacks;

/// <summary>Label flipping: the attacker's digits keep their images and get label 9 − y.</summary>
public static class LabelFlip
{
    /// <summary>A copy of <paramref name="data"/> with every label flipped (images shared, not copied).</summary>
    public static MnistDataset Flip(MnistDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new MnistDataset([.. data.Labels.Select(label => (byte)(MnistDataset.Classes - 1 - label))], data.Images);
    }
}
