namespace FedN.Storage;

/// <summary>A blob operation failed for a reason the caller can act on.</summary>
public class BlobStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlobStoreException(string path, string message, Exception? innerException = null)
        : base(message, innerException) => Path = path;

    /// <summary>The blob concerned.</summary>
    public string Path { get; }
}

/// <summary>There is no blob at the path.</summary>
public sealed class BlobNotFoundException(string path, Exception? innerException = null)
    : BlobStoreException(path, $"blob '{path}' does not exist", innerException);

/// <summary>A create-only write found the blob already there; it was left untouched.</summary>
public sealed class BlobAlreadyExistsException(string path, Exception? innerException = null)
    : BlobStoreException(path, $"blob '{path}' already exists and is never overwritten", innerException);

/// <summary>The blob is leased by another holder (or the caller's lease was lost).</summary>
public sealed class BlobLeaseConflictException(string path, Exception? innerException = null)
    : BlobStoreException(path, $"blob '{path}' is leased by another holder", innerException);
