namespace FedN.Examples.Mnist;

/// <summary>
/// Splits a labelled dataset among clients the way federated-learning papers make non-IID data: for
/// each class, the share each client gets is drawn from a Dirichlet(α) distribution. Small α gives
/// each client a few dominant digits; large α approaches an even, IID split. Seeded, so a demo repeats.
/// </summary>
public static class DirichletSplit
{
    /// <summary>The indices each client gets (every index exactly once), shuffled.</summary>
    /// <param name="labels">Each sample's class.</param>
    /// <param name="clients">How many clients.</param>
    /// <param name="alpha">The concentration (above 0).</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="minimumPerClient">Redraws (up to 100 times) until every client has at least this many samples.</param>
    public static int[][] Split(IReadOnlyList<byte> labels, int clients, double alpha, int seed, int minimumPerClient = 20)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be a positive number");
        }

        if (clients * minimumPerClient > labels.Count)
        {
            throw new ArgumentException($"{labels.Count} samples cannot give {clients} clients {minimumPerClient} each");
        }

        var random = new Random(seed);
        var byClass = labels.Select((label, index) => (label, index)).GroupBy(pair => pair.label).OrderBy(group => group.Key)
            .Select(group => group.Select(pair => pair.index).ToArray()).ToList();
        for (var attempt = 0; ; attempt++)
        {
            var shares = Enumerable.Range(0, clients).Select(_ => new List<int>()).ToArray();
            foreach (var members in byClass)
            {
                random.Shuffle(members);
                var proportions = Dirichlet(random, clients, alpha);
                var start = 0;
                for (var client = 0; client < clients; client++)
                {
                    var end = client == clients - 1 ? members.Length : start + (int)Math.Round(proportions[client] * members.Length);
                    end = Math.Clamp(end, start, members.Length);
                    shares[client].AddRange(members.AsSpan(start, end - start).ToArray());
                    start = end;
                }
            }

            if (shares.All(share => share.Count >= minimumPerClient) || attempt == 99)
            {
                return [.. shares.Select(share =>
                {
                    var indices = share.ToArray();
                    random.Shuffle(indices);
                    return indices;
                })];
            }
        }
    }

    private static double[] Dirichlet(Random random, int count, double alpha)
    {
        var draws = Enumerable.Range(0, count).Select(_ => Gamma(random, alpha)).ToArray();
        var sum = draws.Sum();
        return sum > 0 ? [.. draws.Select(draw => draw / sum)] : [.. Enumerable.Repeat(1.0 / count, count)];
    }

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 through Gamma(shape + 1)·U^(1/shape).</summary>
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
