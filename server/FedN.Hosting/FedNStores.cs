using Azure.Core;
using Azure.Identity;
using FedN.Security;
using FedN.Storage;
using FedN.Storage.Azure;
using FedN.Storage.Embedded;
using FedN.Storage.Metadata;

namespace FedN.Hosting;

/// <summary>The stores a FedN host runs on, opened from <see cref="StorageSettings"/>.</summary>
public sealed class FedNStores : IDisposable
{
    /// <summary>The embedded database file, under the data directory.</summary>
    public const string DatabaseFileName = "fedn.db";

    /// <summary>The key that signs the embedded server's transfer URLs, under the data directory.</summary>
    public const string SigningKeyFileName = "transfer-signing.key";

    /// <summary>
    /// The identity the Azure stores act as when configured by endpoint rather than by key: on
    /// Azure the app's managed identity, elsewhere whatever developer sign-in is at hand.
    /// </summary>
    private static readonly Lazy<TokenCredential> IdentityCredential = new(() => new DefaultAzureCredential());

    private readonly List<IDisposable> _owned;

    private FedNStores(IBlobStore blobs, IQueueStore queues, IMetadataStore metadata, string description, List<IDisposable> owned)
    {
        Blobs = blobs;
        Queues = queues;
        Metadata = metadata;
        Description = description;
        _owned = owned;
    }

    /// <summary>Models, updates and partials.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>The combiners' intake queues.</summary>
    public IQueueStore Queues { get; }

    /// <summary>Sessions, rounds, the model trail, clients, validations, events.</summary>
    public IMetadataStore Metadata { get; }

    /// <summary>Where the data is, for a log line (no secrets).</summary>
    public string Description { get; }

    /// <summary>
    /// Opens the stores. <paramref name="transferBaseUri"/> is where this host serves embedded
    /// transfer URLs (<c>/transfer/...</c>); Azure Storage issues its own.
    /// </summary>
    public static async Task<FedNStores> OpenAsync(StorageSettings settings, Uri transferBaseUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(transferBaseUri);
        settings.Validate();
        List<IDisposable> owned = [];
        try
        {
            IBlobStore blobs;
            IQueueStore queues;
            string where;
            var database = Path.Combine(Path.GetFullPath(settings.DataDirectory), DatabaseFileName);
            if (settings.StorageUsesIdentity)
            {
                blobs = await AzureBlobStore.CreateAsync(settings.BlobServiceUri!, IdentityCredential.Value, settings.BlobContainer, cancellationToken: cancellationToken);
                queues = AzureQueueStore.Create(settings.QueueServiceUri!, IdentityCredential.Value);
                where = $"blobs and queues in Azure Storage at {settings.BlobServiceUri!.Host} (container '{settings.BlobContainer}', managed identity)";
            }
            else if (settings.UsesAzureStorage)
            {
                blobs = await AzureBlobStore.CreateAsync(settings.StorageConnectionString!, settings.BlobContainer, cancellationToken: cancellationToken);
                queues = AzureQueueStore.Create(settings.StorageConnectionString!);
                where = $"blobs and queues in Azure Storage (container '{settings.BlobContainer}')";
            }
            else
            {
                blobs = new FileSystemBlobStore(new FileSystemBlobStoreOptions
                {
                    RootDirectory = settings.DataDirectory,
                    TransferBaseUri = transferBaseUri,
                    SigningKey = await SecretKeyFile.LoadOrCreateAsync(Path.Combine(settings.DataDirectory, SigningKeyFileName), cancellationToken),
                });
                var sqliteQueues = await SqliteQueueStore.OpenAsync(database, cancellationToken: cancellationToken);
                owned.Add(sqliteQueues);
                queues = sqliteQueues;
                where = $"blobs and queues in {Path.GetFullPath(settings.DataDirectory)}";
            }

            IMetadataStore metadata;
            if (settings.UsesCosmos)
            {
                var cosmos = settings.CosmosUsesIdentity
                    ? await CosmosMetadataStore.CreateAsync(settings.Cosmos, IdentityCredential.Value, cancellationToken)
                    : await CosmosMetadataStore.CreateAsync(settings.Cosmos, cancellationToken);
                owned.Add(cosmos);
                metadata = cosmos;
                where += $", metadata in Cosmos DB (database '{settings.Cosmos.DatabaseName}'{(settings.Cosmos.Emulator ? ", emulator" : "")})";
            }
            else
            {
                var sqlite = await SqliteMetadataStore.OpenAsync(database, cancellationToken);
                owned.Add(sqlite);
                metadata = sqlite;
                where += $", metadata in {database}";
            }

            return new FedNStores(blobs, queues, metadata, where, owned);
        }
        catch
        {
            owned.ForEach(store => store.Dispose());
            throw;
        }
    }

    /// <summary>Closes what the stores hold open.</summary>
    public void Dispose() => _owned.ForEach(store => store.Dispose());
}
