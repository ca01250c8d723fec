namespace FedN.Core.Packages;

/// <summary>How large a compute package may be, bounding what a hostile archive can cost before it is refused.</summary>
public sealed record PackageLimits
{
    /// <summary>Most bytes of the (compressed) archive.</summary>
    public long MaxArchiveBytes { get; init; } = 512L << 20;

    /// <summary>Most bytes of all files once unpacked (a small archive may inflate to far more).</summary>
    public long MaxUnpackedBytes { get; init; } = 2L << 30;

    /// <summary>Most files in a package.</summary>
    public int MaxFiles { get; init; } = 10_000;

    /// <summary>Most bytes of the manifest and of the signature entry.</summary>
    public int MaxManifestBytes { get; init; } = 4 << 20;

    /// <summary>The defaults.</summary>
    public static PackageLimits Default { get; } = new();
}
