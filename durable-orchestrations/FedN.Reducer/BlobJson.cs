using System.Text.Json;
using FedN.Contracts;
using FedN.Core;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer;

/// <summary>Small JSON documents kept next to a round's blobs (plan, ledger batches, shard results).</summary>
internal static class BlobJson
{
    public static async Task<T?> ReadAsync<T>(IBlobStore blobs, string path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var stream = await blobs.OpenReadAsync(path, cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(stream, FedNJson.Options, cancellationToken)
                ?? throw new InvalidDataException($"blob '{path}' holds JSON null");
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    public static async Task WriteAsync<T>(IBlobStore blobs, string path, T value, BlobWriteMode mode, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, FedNJson.Options), writable: false);
        await blobs.UploadAsync(path, content, mode, cancellationToken);
    }
}
