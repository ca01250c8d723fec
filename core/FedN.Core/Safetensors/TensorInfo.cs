namespace FedN.Core.Safetensors;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">The tensor's name (the header key).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
/// <param name="DataBegin">Start of the tensor's bytes, relative to the start of the data section.</param>
/// <param name="DataEnd">End (exclusive) of the tensor's bytes, relative to the start of the data section.</param>
public sealed record TensorInfo(string Name, DType DType, IReadOnlyList<long> Shape, long DataBegin, long DataEnd)
{
    /// <summary>Number of elements: the product of the shape (1 for a scalar).</summary>
    public long ElementCount => ElementCountOf(Shape);

    /// <summary>Number of data bytes.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>The shape written as <c>[a, b, c]</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Whether two tensors have the same name, dtype and shape (offsets may differ).</summary>
    public bool HasSameLayoutAs(TensorInfo other) =>
        Name == other.Name && DType == other.DType && Shape.SequenceEqual(other.Shape);

    /// <summary>Product of <paramref name="shape"/>; throws <see cref="OverflowException"/> past <see cref="long.MaxValue"/>.</summary>
    public static long ElementCountOf(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            count = checked(count * dimension);
        }

        return count;
    }

    /// <summary>Formats a shape as <c>[a, b, c]</c>.</summary>
    public static string FormatShape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
