using System.Security.Cryptography;
using FedN.Core.Storage;
using FedN.Server;
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

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(_store!);
}

/// <summary>The contract on Azure Blob Storage, against Azurite.</summary>
public sealed class AzureBlobStoreContractTests(AzuriteFixture azurite) : BlobStoreContract, IClassFixture<AzuriteFixture>
{
    protected override async Task<IBlobStore> CreateStoreAsync() =>
        await AzureBlobStore.CreateAsync(azurite.ConnectionString, "test-" + Guid.NewGuid().ToString("N"));
}
