namespace FedN.Storage.Metadata;

/// <summary>A metadata operation failed for a reason the caller can act on.</summary>
public class MetadataStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MetadataStoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A create found a document with the same key; the stored one was left untouched.</summary>
public sealed class MetadataAlreadyExistsException(string container, MetadataKey key, Exception? innerException = null)
    : MetadataStoreException($"{MetadataContainers.Describe(container, key)} already exists", innerException)
{
    /// <summary>The document's key.</summary>
    public MetadataKey Key { get; } = key;
}

/// <summary>An update named a document that does not exist.</summary>
public sealed class MetadataNotFoundException(string container, MetadataKey key, Exception? innerException = null)
    : MetadataStoreException($"{MetadataContainers.Describe(container, key)} does not exist", innerException)
{
    /// <summary>The document's key.</summary>
    public MetadataKey Key { get; } = key;
}

/// <summary>
/// Optimistic concurrency: the document changed since the caller read it (its ETag is stale), so
/// the update was refused and nothing was written. Read it again and reapply the change.
/// </summary>
public sealed class MetadataConflictException(string container, MetadataKey key, Exception? innerException = null)
    : MetadataStoreException($"{MetadataContainers.Describe(container, key)} was changed by someone else since it was read; read it again and reapply the change", innerException)
{
    /// <summary>The document's key.</summary>
    public MetadataKey Key { get; } = key;
}
