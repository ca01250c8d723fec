using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>Compares a model's tensors with the ones a stage expects.</summary>
internal static class SchemaCheck
{
    /// <summary>
    /// Why <paramref name="actual"/> does not have exactly the tensors of <paramref name="expected"/>
    /// (names, shapes, and the dtypes <paramref name="expectedDType"/> gives), or <see langword="null"/> when it does.
    /// </summary>
    public static string? FindMismatch(SafetensorsHeader expected, SafetensorsHeader actual, Func<TensorInfo, DType> expectedDType)
    {
        foreach (var want in expected.Tensors)
        {
            if (!actual.TryGetTensor(want.Name, out var have))
            {
                return $"tensor '{want.Name}' is missing";
            }

            if (!have.Shape.SequenceEqual(want.Shape))
            {
                return $"tensor '{want.Name}' has shape {have.ShapeText}, expected {want.ShapeText}";
            }

            var dtype = expectedDType(want);
            if (have.DType != dtype)
            {
                return $"tensor '{want.Name}' has dtype {have.DType.ToSafetensorsName()}, expected {dtype.ToSafetensorsName()}";
            }
        }

        if (actual.Tensors.Count != expected.Tensors.Count)
        {
            var extra = actual.Tensors.First(t => !expected.TryGetTensor(t.Name, out _));
            return $"tensor '{extra.Name}' is not in the global model";
        }

        return null;
    }
}
