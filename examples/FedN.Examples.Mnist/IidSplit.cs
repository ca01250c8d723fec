namespace FedN.Examples.Mnist;

/// <summary>A balanced IID split, as in the FEDn lecture's attack experiments: shuffled, then dealt so every client gets the same number of each digit (±1).</summary>
public static class IidSplit
{
    /// <summary>The indices each client gets (every index exactly once), shuffled.</summary>
    public static int[][] Split(IReadOnlyList<byte> labels, int clients, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        var random = new Random(seed);
        var shares = Enumerable.Range(0, clients).Select(_ => new List<int>()).ToArray();
        var next = 0;
        foreach (var digit in Enumerable.Range(0, MnistDataset.Classes))
        {
            var ofDigit = Enumerable.Range(0, labels.Count).Where(i => labels[i] == digit).ToArray();
            random.Shuffle(ofDigit);
            foreach (var index in ofDigit)
            {
                shares[next++ % clients].Add(index);
            }
        }

        return [.. shares.Select(share =>
        {
            var array = share.ToArray();
            random.Shuffle(array);
            return array;
        })];
    }
}
