namespace FedN.Storage.Azure;

/// <summary>Transfer settings of an <see cref="AzureBlobStore"/>.</summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>Blocks moved at once for one large blob.</summary>
    public int MaximumConcurrency { get; init; } = 4;

    /// <summary>Size of each block (and the largest single-request upload).</summary>
    public long BlockBytes { get; init; } = 8 << 20;
}
