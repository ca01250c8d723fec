namespace FedN.Core.Safetensors;

/// <summary>A tensor to be written: name, element type and shape. Offsets are laid out by <see cref="SafetensorsHeader.Create"/>.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
public sealed record TensorDeclaration(string Name, DType DType, IReadOnlyList<long> Shape);
