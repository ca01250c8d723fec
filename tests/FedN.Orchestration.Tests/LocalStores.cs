using System.Security.Cryptography;
using FedN.Storage.Embedded;

namespace FedN.Orchestration.Tests;

/// <summary>Real embedded stores in a temporary data directory, as a local server process would open them.</summary>
internal sealed class LocalStores : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedn-orchestration-").FullName;

    private LocalStores()
    {
    }

    public SqliteMetadataStore Metadata { get; private set; } = null!;

    public FileSystemBlobStore Blobs { get; private set; } = null!;

    public static async Task<LocalStores> OpenAsync()
    {
        var stores = new LocalStores();
        stores.Metadata = await SqliteMetadataStore.OpenAsync(Path.Combine(stores._directory, "fedn.db"));
        stores.Blobs = new FileSystemBlobStore(new FileSystemBlobStoreOptions
        {
            RootDirectory = stores._directory,
            SigningKey = RandomNumberGenerator.GetBytes(32),
            TransferBaseUri = new Uri("http://127.0.0.1:1/"),
        });
        return stores;
    }

    public ValueTask DisposeAsync()
    {
        Metadata.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
