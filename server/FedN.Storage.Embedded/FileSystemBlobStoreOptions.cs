namespace FedN.Storage.Embedded;

/// <summary>Settings of a <see cref="FileSystemBlobStore"/>.</summary>
public sealed class FileSystemBlobStoreOptions
{
    /// <summary>The data directory; blobs live under <c>blobs/</c> in it. Created if missing.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>
    /// Base address of the server that maps <see cref="BlobTransferEndpoints.MapBlobTransfer"/>,
    /// for example <c>http://127.0.0.1:7071/</c>. Transfer URLs are this plus <c>transfer/{token}</c>.
    /// Without it the store cannot hand out transfer URLs.
    /// </summary>
    public Uri? TransferBaseUri { get; init; }

    /// <summary>Key that signs transfer URLs (at least 32 bytes). Every server sharing the directory must use the same key.</summary>
    public required byte[] SigningKey { get; init; }

    /// <summary>Clock, replaceable in tests of expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
