using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace FedN.Client;

/// <summary>Model transfer over scoped URLs (Azure Blob SAS URLs or the local server's transfer URLs), streamed, with progress.</summary>
internal static class Transfers
{
    // Below the large object heap's threshold and pooled: thousands of clients in one process each
    // transfer at once, and a 1 MB buffer per transfer (twice, with a buffered file) was most of
    // their memory. Files are unbuffered: every read and write is already a whole chunk.
    private const int ChunkBytes = 64 << 10;

    /// <summary>Downloads <paramref name="url"/> into <paramref name="path"/>, checking it against <paramref name="expectedSha256"/> when given.</summary>
    /// <exception cref="InvalidDataException">What arrived is not the file the server recorded.</exception>
    public static async Task DownloadAsync(HttpClient http, Uri url, string path, IProgress<long>? progress, CancellationToken cancellationToken, string? expectedSha256 = null)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"downloading the model failed: HTTP {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}", null, response.StatusCode);
        }

        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await CopyAsync(source, file, progress, cancellationToken, hash);
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (expectedSha256 is not null && !string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"the model downloaded has SHA-256 {actual}, but the server recorded {expectedSha256}: it was corrupted in transit or in storage, and is not used");
        }
    }

    /// <summary>
    /// Uploads <paramref name="path"/> to the create-only <paramref name="url"/> as a block blob. Returns
    /// false when the blob already exists (this update was uploaded before a reconnect).
    /// </summary>
    public static async Task<bool> UploadAsync(HttpClient http, Uri url, string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new FileUploadContent(path, progress) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"uploading the update failed: HTTP {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}", null, response.StatusCode);
        }

        return true;
    }

    public static async Task CopyAsync(Stream source, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken, IncrementalHash? hash = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                hash?.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
                progress?.Report(total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
