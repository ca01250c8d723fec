using System.Security.Cryptography;
using FedN.Storage;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Client.Tests;

/// <summary>The SDK checks a task's model against the digest the server sent with the task.</summary>
public sealed class DownloadVerificationTests
{
    [Fact]
    public async Task A_download_that_does_not_match_the_tasks_digest_is_refused_and_a_matching_one_is_kept()
    {
        await using var server = await RunningServer.StartAsync();
        var blobs = server.App.Services.GetRequiredService<IBlobStore>();
        var content = RandomNumberGenerator.GetBytes(100_000);
        await blobs.UploadAsync("models/m.safetensors", new MemoryStream(content), BlobWriteMode.CreateOnly);
        var url = await blobs.CreateDownloadUrlAsync("models/m.safetensors", TimeSpan.FromMinutes(1));
        var path = Path.Combine(Directory.CreateTempSubdirectory("fedn-download-").FullName, "model.safetensors");
        using var http = new HttpClient();

        await Transfers.DownloadAsync(http, url, path, null, CancellationToken.None, Convert.ToHexStringLower(SHA256.HashData(content)));
        Assert.Equal(content, await File.ReadAllBytesAsync(path));

        var wrong = Convert.ToHexStringLower(SHA256.HashData(content.AsSpan(1)));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Transfers.DownloadAsync(http, url, path, null, CancellationToken.None, wrong));
        Assert.Contains($"but the server recorded {wrong}", error.Message, StringComparison.Ordinal);
    }
}
