using FedN.Contracts.Federation;
using FedN.Hosting;
using FedN.Storage;
using FedN.Storage.Azure;
using FedN.Storage.Embedded;
using FedN.Storage.Metadata;
using FedN.Testing;
using Microsoft.Extensions.Configuration;

namespace FedN.Storage.Tests;

/// <summary>Configuration picks the stores: embedded by default, Azure (here its emulators) when connection strings are set.</summary>
public sealed class StorageSelectionTests(AzuriteFixture azurite, CosmosEmulatorFixture cosmos)
    : IClassFixture<AzuriteFixture>, IClassFixture<CosmosEmulatorFixture>, IDisposable
{
    private static readonly Uri Server = new("http://127.0.0.1:5080/");
    private readonly string _data = Directory.CreateTempSubdirectory("fedn-data-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task With_no_connection_strings_everything_is_embedded_in_the_data_directory()
    {
        using (var stores = await Open(new() { ["FedN:Storage:DataDirectory"] = _data }))
        {
            Assert.IsType<FileSystemBlobStore>(stores.Blobs);
            Assert.IsType<SqliteQueueStore>(stores.Queues);
            Assert.IsType<SqliteMetadataStore>(stores.Metadata);
            await UseAll(stores);
            Assert.StartsWith(Server.ToString(), (await stores.Blobs.CreateDownloadUrlAsync("models/seed", TimeSpan.FromMinutes(1))).ToString(), StringComparison.Ordinal);
        }

        // The signing key is made once and kept: a restart signs transfer URLs the same way.
        var key = await File.ReadAllBytesAsync(Path.Combine(_data, FedNStores.SigningKeyFileName));
        using var restarted = await Open(new() { ["FedN:Storage:DataDirectory"] = _data });
        Assert.Equal(key, await File.ReadAllBytesAsync(Path.Combine(_data, FedNStores.SigningKeyFileName)));
        Assert.NotNull(await new FederationMetadata(restarted.Metadata).Sessions.GetAsync("s1"));
    }

    [Fact]
    public async Task Connection_strings_select_Azure_Storage_and_Cosmos_DB()
    {
        using var stores = await Open(new()
        {
            ["FedN:Storage:ConnectionString"] = azurite.ConnectionString,
            ["FedN:Cosmos:ConnectionString"] = cosmos.ConnectionString,
            ["FedN:Cosmos:Emulator"] = "true",
            ["FedN:Cosmos:DatabaseName"] = $"fedn-{Guid.NewGuid():N}",
        });
        Assert.IsType<AzureBlobStore>(stores.Blobs);
        Assert.IsType<AzureQueueStore>(stores.Queues);
        Assert.IsType<CosmosMetadataStore>(stores.Metadata);
        Assert.DoesNotContain("AccountKey", stores.Description, StringComparison.OrdinalIgnoreCase);
        await UseAll(stores);
    }

    [Theory]
    [InlineData("FedN:Cosmos:Emulator", "yes", "must be true or false")]
    [InlineData("FedN:Cosmos:Emulator", "true", "FedN:Cosmos:ConnectionString is not")]
    public void Broken_configuration_names_the_key(string key, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageSettings.FromConfiguration(Configuration(new() { [key] = value })));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_emulator_layer_is_refused_for_an_endpoint_off_this_machine()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => CosmosMetadataStore.CreateAsync(new CosmosMetadataStoreOptions
        {
            ConnectionString = "AccountEndpoint=https://fedn.documents.azure.com:443/;AccountKey=a2V5;",
            Emulator = true,
        }));
        Assert.Contains("only for a local emulator", error.Message, StringComparison.Ordinal);
    }

    private static Task<FedNStores> Open(Dictionary<string, string?> values) =>
        FedNStores.OpenAsync(StorageSettings.FromConfiguration(Configuration(values)), Server);

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static async Task UseAll(FedNStores stores)
    {
        await stores.Blobs.UploadAsync("models/seed", new MemoryStream([1, 2, 3]), BlobWriteMode.CreateOnly);
        await stores.Queues.EnqueueAsync(QueueName.ForShard("s1", 1, 0), "update ready");
        Assert.Single(await stores.Queues.ReceiveAsync(QueueName.ForShard("s1", 1, 0), 1, TimeSpan.FromSeconds(30)));
        await new FederationMetadata(stores.Metadata).Sessions.CreateAsync(new SessionRecord { Id = "s1", Config = new SessionConfig(), SeedModelId = "seed" });
    }
}
