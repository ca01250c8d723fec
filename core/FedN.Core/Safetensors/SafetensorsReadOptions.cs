namespace FedN.Core.Safetensors;

/// <summary>Limits applied when reading untrusted safetensors data.</summary>
public sealed class SafetensorsReadOptions
{
    /// <summary>The defaults: a 100 MB header limit (the reference implementation's) and at most 1,000,000 tensors of rank 32 or less.</summary>
    public static SafetensorsReadOptions Default { get; } = new();

    /// <summary>Largest JSON header accepted, in bytes. Nothing larger is ever allocated.</summary>
    public int MaxHeaderBytes { get; init; } = 100_000_000;

    /// <summary>Most tensors one file may declare.</summary>
    public int MaxTensorCount { get; init; } = 1_000_000;

    /// <summary>Highest tensor rank accepted.</summary>
    public int MaxRank { get; init; } = 32;
}
