namespace FedN.Contracts.Federation;

/// <summary>
/// A compute package on the server: the code every client of a session runs. Its id is the SHA-256
/// of its manifest, so a client that checks the package it downloads against the id its task
/// names has checked every file and command in it.
/// </summary>
public sealed record PackageRecord
{
    /// <summary>The SHA-256 of the package's manifest (lowercase hex).</summary>
    public required string Id { get; init; }

    /// <summary>The name its publisher gave it.</summary>
    public required string Name { get; init; }

    /// <summary>The command of each entry point (<c>train</c>, <c>validate</c>).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> EntryPoints { get; init; }

    /// <summary>Files in the package.</summary>
    public int Files { get; init; }

    /// <summary>Bytes of its files once unpacked.</summary>
    public long UnpackedBytes { get; init; }

    /// <summary>Bytes of the archive.</summary>
    public long SizeBytes { get; init; }

    /// <summary>
    /// The id of the key its signature names, or <see langword="null"/> when unsigned. The server
    /// does not vouch for it: clients that pin keys (<c>--trust</c>) check the signature themselves.
    /// </summary>
    public string? SignedBy { get; init; }

    /// <summary>Where the archive is in the blob store.</summary>
    public required string BlobPath { get; init; }

    /// <summary>When it was uploaded.</summary>
    public DateTimeOffset UploadedAt { get; init; }
}
