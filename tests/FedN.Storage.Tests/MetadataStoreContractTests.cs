using FedN.Contracts.Federation;
using FedN.Storage.Azure;
using FedN.Storage.Embedded;
using FedN.Storage.Metadata;
using FedN.Testing;
using Microsoft.Azure.Cosmos;

namespace FedN.Storage.Tests;

/// <summary>The contract on SQLite, each test with a fresh database file.</summary>
public sealed class SqliteMetadataStoreContractTests : MetadataStoreContract, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedn-metadata-").FullName;
    private SqliteMetadataStore? _store;

    protected override IMetadataStore Store => _store!;

    private string DatabasePath => Path.Combine(_directory, "metadata.db");

    public async Task InitializeAsync() => _store = await SqliteMetadataStore.OpenAsync(DatabasePath);

    public Task DisposeAsync()
    {
        _store?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Records_survive_reopening_the_file()
    {
        await new FederationMetadata(_store!).Sessions.CreateAsync(new SessionRecord { Id = "kept", Config = new SessionConfig(), SeedModelId = "seed" });
        _store!.Dispose();
        using var reopened = await SqliteMetadataStore.OpenAsync(DatabasePath);
        Assert.NotNull(await new FederationMetadata(reopened).Sessions.GetAsync("kept"));
    }

    [Fact]
    public async Task Concurrent_writes_share_commits_and_one_that_fails_fails_alone()
    {
        // Hundreds of writes at once go through the group commit together: each refusal (a second
        // create of one id) is undone alone, and everything else is stored, and stays stored.
        var metadata = new FederationMetadata(_store!);
        await metadata.Rounds.CreateAsync(new RoundRecord { SessionId = "s", Round = 1, InputModelId = "seed" });
        var creates = Enumerable.Range(0, 150).Select(i => Outcome(() => metadata.Clients.RecordConnectedAsync($"c{i}", DateTimeOffset.UtcNow)));
        var counts = Enumerable.Range(0, 150).Select(_ => Outcome(() => metadata.Rounds.CountUpdatesAsync("s", 1, received: 1)));
        var sameId = Enumerable.Range(0, 50).Select(_ => Outcome(() => metadata.Sessions.CreateAsync(new SessionRecord { Id = "once", Config = new SessionConfig(), SeedModelId = "seed" })));
        var duplicates = await Task.WhenAll(sameId.Concat(creates).Concat(counts));

        Assert.Equal(49, duplicates.Count(outcome => outcome is MetadataAlreadyExistsException));
        Assert.Equal(49, duplicates.Count(outcome => outcome is not null));
        _store!.Dispose();
        using var reopened = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var stored = new FederationMetadata(reopened);
        Assert.Equal(150L, (await stored.Rounds.GetAsync("s", 1))!.Value.UpdatesReceived);
        var online = 0;
        await foreach (var _ in stored.Clients.ListAllAsync(online: true))
        {
            online++;
        }

        Assert.Equal(150, online);
        Assert.NotNull(await stored.Sessions.GetAsync("once"));
    }

    private static async Task<Exception?> Outcome(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public async Task A_database_with_damaged_pages_is_refused_at_open_with_what_to_do()
    {
        var sessions = new FederationMetadata(_store!).Sessions;
        for (var i = 0; i < 200; i++)
        {
            await sessions.CreateAsync(new SessionRecord { Id = $"s{i}", Config = new SessionConfig(), SeedModelId = "seed", Name = new string('n', 200) });
        }

        _store!.Dispose();
        _store = null;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(DatabasePath);
        Assert.True(bytes.Length > 8 * 4096, $"the database has only {bytes.Length} bytes");
        new Random(1).NextBytes(bytes.AsSpan(3 * 4096, 4 * 4096));
        await File.WriteAllBytesAsync(DatabasePath, bytes);

        var error = await Assert.ThrowsAsync<MetadataStoreException>(() => SqliteMetadataStore.OpenAsync(DatabasePath));
        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
        Assert.Contains(".recover", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_stores_on_one_file_count_without_losing_updates()
    {
        using var other = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var (a, b) = (new FederationMetadata(_store!), new FederationMetadata(other));
        await a.Rounds.CreateAsync(new RoundRecord { SessionId = "s", Round = 1, InputModelId = "seed" });
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).Rounds.CountUpdatesAsync("s", 1, received: 1))));
        Assert.Equal(50, (await b.Rounds.GetAsync("s", 1))!.Value.UpdatesReceived);
    }

    [Fact]
    public async Task Two_processes_sharing_the_file_lose_no_count_and_no_message()
    {
        const int PerWriter = 150;
        using var queues = await SqliteQueueStore.OpenAsync(DatabasePath);
        var rounds = new FederationMetadata(_store!).Rounds;
        await rounds.CreateAsync(new RoundRecord { SessionId = "s", Round = 1, InputModelId = "seed" });

        using var peer = SqlitePeer.Start(DatabasePath, PerWriter);
        var peerErrors = peer.StandardError.ReadToEndAsync();
        var received = 0;
        for (var i = 0; i < PerWriter; i++)
        {
            await rounds.CountUpdatesAsync("s", 1, received: 1);
            foreach (var message in await queues.ReceiveAsync(SqlitePeer.Queue, 32, TimeSpan.FromMinutes(5)))
            {
                received += await queues.DeleteMessageAsync(SqlitePeer.Queue, message) ? 1 : 0;
            }
        }

        await peer.WaitForExitAsync();
        Assert.True(peer.ExitCode == 0, $"the peer process failed: {await peerErrors}");
        while (await queues.ReceiveAsync(SqlitePeer.Queue, 32, TimeSpan.FromMinutes(5)) is { Count: > 0 } rest)
        {
            received += rest.Count;
        }

        Assert.Equal(2 * PerWriter, (await rounds.GetAsync("s", 1))!.Value.UpdatesReceived);
        Assert.Equal(PerWriter, received);
    }
}

/// <summary>The contract on Cosmos DB's API, served by the emulator through the emulator-only compatibility layer; each test with its own database.</summary>
public sealed class CosmosMetadataStoreContractTests(CosmosEmulatorFixture emulator) : MetadataStoreContract, IClassFixture<CosmosEmulatorFixture>, IAsyncLifetime
{
    private CosmosMetadataStore? _store;

    protected override IMetadataStore Store => _store!;

    public async Task InitializeAsync() => _store = await CosmosMetadataStore.CreateAsync(new CosmosMetadataStoreOptions
    {
        ConnectionString = emulator.ConnectionString,
        DatabaseName = $"fedn-{Guid.NewGuid():N}",
        Emulator = true,
    });

    public Task DisposeAsync()
    {
        _store?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void The_compatibility_layer_is_off_unless_the_emulator_is_named()
    {
        var azure = CosmosMetadataStore.CreateClientOptions(new CosmosMetadataStoreOptions { ConnectionString = "AccountEndpoint=https://example.documents.azure.com:443/;AccountKey=a2V5;" });
        Assert.Null(azure.HttpClientFactory);
        Assert.Equal(ConnectionMode.Direct, azure.ConnectionMode);
        Assert.False(azure.LimitToEndpoint);
        Assert.NotNull(CosmosMetadataStore.CreateClientOptions(new CosmosMetadataStoreOptions { Emulator = true }).HttpClientFactory);
    }
}
