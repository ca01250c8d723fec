using FedN.Storage;
using FedN.Storage.Azure;
using FedN.Storage.Embedded;
using FedN.Testing;

namespace FedN.Storage.Tests;

/// <summary>The queue contract on the embedded database, each test with a fresh file.</summary>
public sealed class SqliteQueueStoreContractTests : QueueStoreContract, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedn-queues-").FullName;
    private SqliteQueueStore? _store;

    protected override IQueueStore Store => _store!;

    public async Task InitializeAsync() => _store = await SqliteQueueStore.OpenAsync(Path.Combine(_directory, "fedn.db"));

    public Task DisposeAsync()
    {
        _store?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Messages_survive_reopening_and_share_the_file_with_the_metadata()
    {
        var path = Path.Combine(_directory, "fedn.db");
        using var metadata = await SqliteMetadataStore.OpenAsync(path);
        await _store!.EnqueueAsync("intake", "kept");
        _store.Dispose();
        using var reopened = await SqliteQueueStore.OpenAsync(path);
        Assert.Equal(["kept"], (await reopened.ReceiveAsync("intake", 1, TimeSpan.FromSeconds(5))).Select(m => m.Body));
    }
}

/// <summary>The queue contract on Azure Queue Storage's API, served by Azurite.</summary>
public sealed class AzureQueueStoreContractTests(AzuriteFixture azurite) : QueueStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureQueueStore _store = AzureQueueStore.Create(azurite.ConnectionString);

    protected override IQueueStore Store => _store;
}
