using System.Security.Cryptography;
using FedN.Server;
using FedN.Storage;
using FedN.Storage.Azure;
using FedN.Storage.Embedded;
using FedN.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

// The memory test samples the whole process's heap, and the lease tests wait out real expiry:
// run these classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FedN.Storage.Tests;

/// <summary>The contract on the file-system store, its transfer URLs served by a real Kestrel on 127.0.0.1.</summary>
public sealed class FileSystemBlobStoreContractTests : BlobStoreContract, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("fedn-blobs-").FullName;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Uri _address = LocalServerOptions.FreeLoopbackUri();
    private WebApplication? _server;
    private FileSystemBlobStore? _store;

    public async Task InitializeAsync()
    {
        _store = new FileSystemBlobStore(new FileSystemBlobStoreOptions { RootDirectory = _root, SigningKey = _key, TransferBaseUri = _address });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_address.ToString());
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapBlobTransfer(_store);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_second_process_sharing_the_directory_sees_the_same_blobs_and_leases()
    {
        var other = new FileSystemBlobStore(new FileSystemBlobStoreOptions { RootDirectory = _root, SigningKey = _key });
        await _store!.UploadAsync("shared/model.bin", new MemoryStream([1, 2, 3]), BlobWriteMode.CreateOnly);
        Assert.Equal(3, (await other.GetPropertiesAsync("shared/model.bin"))!.Length);
        await using var lease = await _store.TryAcquireLeaseAsync("locks/active", LeaseDuration.Min);
        Assert.NotNull(lease);
        Assert.Null(await other.TryAcquireLeaseAsync("locks/active", LeaseDuration.Min));
    }

    [Fact]
    public async Task Leases_wait_for_another_process_holding_the_lease_lock_even_without_dotnets_own_file_locks()
    {
        Assert.True(AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var locksOff) && locksOff, "this test project runs with .NET's file locks off, as the server does");
        await _store!.UploadAsync("locks/active", Stream.Null, BlobWriteMode.CreateOnly);

        // Another process (util-linux's flock) holds the lease table's lock for a second.
        var lockFile = Path.Combine(_root, "leases", ".lock");
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock", [lockFile, "-c", "echo held; sleep 1"]) { RedirectStandardOutput = true })!;
        Assert.Equal("held", await holder.StandardOutput.ReadLineAsync());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var lease = await _store.TryAcquireLeaseAsync("locks/active", LeaseDuration.Min);
        var waited = watch.Elapsed;
        await holder.WaitForExitAsync();

        Assert.NotNull(lease);
        Assert.True(waited > TimeSpan.FromMilliseconds(500), $"the lease was taken after {waited.TotalMilliseconds:F0} ms, while another process held the lock");
    }

    [Fact]
    public async Task A_url_signed_with_another_key_is_refused()
    {
        var foreign = new FileSystemBlobStore(new FileSystemBlobStoreOptions
        {
            RootDirectory = _root,
            SigningKey = RandomNumberGenerator.GetBytes(32),
            TransferBaseUri = _address,
        });
        await _store!.UploadAsync("x/y", new MemoryStream([1]), BlobWriteMode.CreateOnly);
        using var response = await Http.GetAsync(await foreign.CreateDownloadUrlAsync("x/y", TimeSpan.FromMinutes(1)));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("signature", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_larger_than_its_url_allows_is_refused_with_413_and_nothing_is_stored()
    {
        var url = await _store!.CreateUploadUrlAsync("s/big.bin", TimeSpan.FromMinutes(1), maxBytes: 1000);

        // Declared too large: refused before a byte is read (with Expect: 100-continue, none is even sent).
        using (var declared = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(new byte[1001]) })
        {
            declared.Headers.Add("x-ms-blob-type", "BlockBlob");
            declared.Headers.ExpectContinue = true;
            using var response = await Http.SendAsync(declared);
            Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("the upload of 1001 bytes is larger than the 1000 bytes this URL takes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Chunked, with no length to judge by: cut off at the limit. The server answers 413 and closes
        // while the client may still be sending, so the client sees the 413 or a broken connection.
        using (var chunked = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(new UnknownLengthStream(new byte[1 << 20])) })
        {
            chunked.Headers.Add("x-ms-blob-type", "BlockBlob");
            chunked.Headers.TransferEncodingChunked = true;
            try
            {
                using var response = await Http.SendAsync(chunked);
                Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            }
            catch (HttpRequestException cut) when (cut.InnerException is IOException)
            {
            }
        }

        Assert.Null(await _store.GetPropertiesAsync("s/big.bin"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
        using (var fits = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(new byte[1000]) })
        {
            fits.Headers.Add("x-ms-blob-type", "BlockBlob");
            using var response = await Http.SendAsync(fits);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }
    }

    [Fact]
    public async Task Uploads_through_urls_leave_no_temporary_file_whether_stored_or_refused_as_existing()
    {
        var url = await _store!.CreateUploadUrlAsync("fresh/folder/u.bin", TimeSpan.FromMinutes(1));
        var body = RandomNumberGenerator.GetBytes(300_000);
        foreach (var expected in new[] { System.Net.HttpStatusCode.Created, System.Net.HttpStatusCode.Conflict })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(body) };
            request.Headers.Add("x-ms-blob-type", "BlockBlob");
            using var response = await Http.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
        }

        Assert.Equal(body, await File.ReadAllBytesAsync(Path.Combine(_root, "blobs", "fresh", "folder", "u.bin")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public void Writes_abandoned_by_a_dead_process_are_removed_when_the_store_opens_and_live_ones_are_kept()
    {
        var abandoned = Path.Combine(_root, "tmp", "abandoned");
        var live = Path.Combine(_root, "tmp", "live");
        File.WriteAllBytes(abandoned, new byte[10]);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow - FileSystemBlobStore.AbandonedWriteAge - TimeSpan.FromMinutes(1));
        File.WriteAllBytes(live, new byte[10]);

        _ = new FileSystemBlobStore(new FileSystemBlobStoreOptions { RootDirectory = _root, SigningKey = _key });
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live));
    }

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(_store!);

    /// <summary>A stream that does not say how long it is, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>The contract on Azure Blob Storage, against Azurite.</summary>
public sealed class AzureBlobStoreContractTests(AzuriteFixture azurite) : BlobStoreContract, IClassFixture<AzuriteFixture>
{
    protected override async Task<IBlobStore> CreateStoreAsync() =>
        await AzureBlobStore.CreateAsync(azurite.ConnectionString, "test-" + Guid.NewGuid().ToString("N"));
}
