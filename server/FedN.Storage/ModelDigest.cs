using System.Security.Cryptography;
using FedN.Contracts.Federation;

namespace FedN.Storage;

/// <summary>
/// A model file's SHA-256, recorded when the model is uploaded or committed and checked before it
/// is served or used, so a truncated, bit-flipped or swapped file is reported by name instead of
/// being trained on.
/// </summary>
public static class ModelDigest
{
    /// <summary>The SHA-256 of what is left of <paramref name="content"/>, as lowercase hex.</summary>
    public static async Task<string> ComputeAsync(Stream content, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));

    /// <summary>
    /// Checks that <paramref name="model"/>'s file is there, has its recorded size and, when one was
    /// recorded, its SHA-256. Models recorded before digests were kept are checked by size only.
    /// Returns the file's properties as checked.
    /// </summary>
    /// <exception cref="CorruptModelException">The file is missing or is not the one recorded.</exception>
    public static async Task<StoredBlob> VerifyAsync(IBlobStore blobs, ModelRecord model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(model);
        var stored = await blobs.GetPropertiesAsync(model.BlobPath, cancellationToken)
            ?? throw new CorruptModelException(model.Id, $"model '{model.Id}' is on the trail but its file '{model.BlobPath}' is missing from storage");
        if (model.SizeBytes > 0 && stored.Length != model.SizeBytes)
        {
            throw new CorruptModelException(model.Id, $"model '{model.Id}' is corrupt: its file has {stored.Length} bytes, but {model.SizeBytes} were recorded");
        }

        if (model.Sha256 is { } expected)
        {
            await using var content = await blobs.OpenReadAsync(model.BlobPath, cancellationToken);
            var actual = await ComputeAsync(content, cancellationToken);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new CorruptModelException(model.Id, $"model '{model.Id}' is corrupt: its file's SHA-256 is {actual}, but {expected} was recorded");
            }
        }

        return stored;
    }
}

/// <summary>A model's file is missing or is not the file that was recorded; the message names the model and says how it differs.</summary>
public sealed class CorruptModelException(string modelId, string message) : IOException(message)
{
    /// <summary>The model.</summary>
    public string ModelId { get; } = modelId;
}
