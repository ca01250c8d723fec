namespace FedN.Core.Aggregation.Robust;

/// <summary>
/// Order statistics of one coordinate's N values in O(N): quickselect (Hoare partition,
/// median-of-three pivot), with insertion sort below a small size, where it is faster than any
/// partitioning. A full sort per coordinate costs O(N log N) and made the median 20-50x FedAvg.
/// </summary>
internal static class Selection
{
    private const int InsertionSortBelow = 24;

    /// <summary>Rearranges <paramref name="values"/> so that position <paramref name="k"/> holds the k-th smallest (from 0), with nothing larger before it and nothing smaller after.</summary>
    public static double NthSmallest(Span<double> values, int k)
    {
        var (low, high) = (0, values.Length - 1);
        while (high - low >= InsertionSortBelow)
        {
            var pivot = MedianOfThree(values[low], values[low + ((high - low) / 2)], values[high]);
            var (i, j) = (low, high);
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // [low, j] ≤ pivot ≤ [i, high]; between them, values equal to the pivot.
            if (k <= j)
            {
                high = j;
            }
            else if (k >= i)
            {
                low = i;
            }
            else
            {
                return values[k];
            }
        }

        InsertionSort(values[low..(high + 1)]);
        return values[k];
    }

    /// <summary>The largest of <paramref name="values"/>.</summary>
    public static double Max(ReadOnlySpan<double> values)
    {
        var max = values[0];
        foreach (var value in values[1..])
        {
            max = Math.Max(max, value);
        }

        return max;
    }

    private static void InsertionSort(Span<double> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            var value = values[i];
            var j = i - 1;
            while (j >= 0 && values[j] > value)
            {
                values[j + 1] = values[j];
                j--;
            }

            values[j + 1] = value;
        }
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : Math.Max(a, c)) : (a < c ? a : Math.Max(b, c));
}
