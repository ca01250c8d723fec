using FedN.Settings;
using FedN.Storage.Azure;
using Microsoft.Extensions.Configuration;

namespace FedN.Hosting;

/// <summary>
/// Where FedN keeps its data, from configuration. Each part is embedded unless configured:
/// blobs and queues go to Azure Storage with <c>FedN:Storage:ConnectionString</c>, or with
/// <c>FedN:Storage:BlobServiceUri</c> and <c>FedN:Storage:QueueServiceUri</c> under a managed
/// identity; metadata goes to Cosmos DB with <c>FedN:Cosmos:ConnectionString</c>, or with
/// <c>FedN:Cosmos:AccountEndpoint</c> under a managed identity.
/// </summary>
public sealed record StorageSettings
{
    /// <summary>The key of <see cref="StorageConnectionString"/>.</summary>
    public const string StorageConnectionStringKey = AppSettingNames.StorageConnectionString;

    /// <summary>The key of <see cref="BlobServiceUri"/>.</summary>
    public const string BlobServiceUriKey = AppSettingNames.BlobServiceUri;

    /// <summary>The key of <see cref="QueueServiceUri"/>.</summary>
    public const string QueueServiceUriKey = AppSettingNames.QueueServiceUri;

    /// <summary>The key of <see cref="BlobContainer"/>.</summary>
    public const string BlobContainerKey = AppSettingNames.BlobContainer;

    /// <summary>The key of the Cosmos DB connection string (<see cref="CosmosMetadataStoreOptions.ConnectionString"/>).</summary>
    public const string CosmosConnectionStringKey = CosmosMetadataStoreOptions.Section + ":ConnectionString";

    /// <summary>The key of the Cosmos DB endpoint for a managed identity (<see cref="CosmosMetadataStoreOptions.AccountEndpoint"/>).</summary>
    public const string CosmosAccountEndpointKey = CosmosMetadataStoreOptions.Section + ":AccountEndpoint";

    /// <summary>The key of the Cosmos DB database (<see cref="CosmosMetadataStoreOptions.DatabaseName"/>).</summary>
    public const string CosmosDatabaseNameKey = CosmosMetadataStoreOptions.Section + ":DatabaseName";

    /// <summary>Azure Storage connection string for blobs and queues; embedded when neither it nor the service URIs are set.</summary>
    public string? StorageConnectionString { get; init; }

    /// <summary>The blob service (<c>https://&lt;account&gt;.blob.core.windows.net/</c>), reached with a managed identity instead of a key.</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary>The queue service (<c>https://&lt;account&gt;.queue.core.windows.net/</c>), reached with a managed identity instead of a key.</summary>
    public Uri? QueueServiceUri { get; init; }

    /// <summary>The blob container (<c>FedN:Storage:Container</c>).</summary>
    public string BlobContainer { get; init; } = AppSettingNames.DefaultBlobContainer;

    /// <summary>The directory of the embedded stores (<c>FedN:Storage:DataDirectory</c>).</summary>
    public string DataDirectory { get; init; } = ".fedn/data";

    /// <summary>Cosmos DB settings (section <c>FedN:Cosmos</c>); metadata is embedded when neither the connection string nor the endpoint is set.</summary>
    public CosmosMetadataStoreOptions Cosmos { get; init; } = new();

    /// <summary>Whether blobs and queues are in Azure Storage.</summary>
    public bool UsesAzureStorage => !string.IsNullOrWhiteSpace(StorageConnectionString) || StorageUsesIdentity;

    /// <summary>Whether Azure Storage is reached with a token credential (service URIs) rather than a connection string.</summary>
    public bool StorageUsesIdentity => BlobServiceUri is not null;

    /// <summary>Whether metadata is in Cosmos DB.</summary>
    public bool UsesCosmos => !string.IsNullOrWhiteSpace(Cosmos.ConnectionString) || CosmosUsesIdentity;

    /// <summary>Whether Cosmos DB is reached with a token credential (endpoint) rather than a connection string.</summary>
    public bool CosmosUsesIdentity => Cosmos.AccountEndpoint is not null;

    /// <summary>Reads the settings, saying which key is wrong when one is.</summary>
    /// <exception cref="ArgumentException">A value cannot be used.</exception>
    public static StorageSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var cosmos = configuration.GetSection(CosmosMetadataStoreOptions.Section);
        var settings = new StorageSettings
        {
            StorageConnectionString = configuration[StorageConnectionStringKey],
            BlobServiceUri = ServiceUri(configuration, BlobServiceUriKey),
            QueueServiceUri = ServiceUri(configuration, QueueServiceUriKey),
            BlobContainer = configuration[BlobContainerKey] ?? "fedn",
            DataDirectory = configuration[AppSettingNames.DataDirectory] ?? ".fedn/data",
            Cosmos = new CosmosMetadataStoreOptions
            {
                ConnectionString = cosmos["ConnectionString"],
                AccountEndpoint = ServiceUri(configuration, CosmosAccountEndpointKey),
                DatabaseName = configuration[CosmosDatabaseNameKey] ?? "fedn",
                Emulator = Flag(cosmos, "Emulator"),
                CreateIfMissing = Flag(cosmos, "CreateIfMissing", defaultValue: true),
            },
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that cannot work.</summary>
    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(StorageConnectionString) && (BlobServiceUri ?? QueueServiceUri) is not null)
        {
            throw new ArgumentException($"both {StorageConnectionStringKey} and the service URIs ({BlobServiceUriKey}, {QueueServiceUriKey}) are set: use the connection string (a key) or the URIs (a managed identity), not both");
        }

        if ((BlobServiceUri is null) != (QueueServiceUri is null))
        {
            throw new ArgumentException($"{(BlobServiceUri is null ? BlobServiceUriKey : QueueServiceUriKey)} is missing: a managed identity reaches Azure Storage through both {BlobServiceUriKey} and {QueueServiceUriKey}");
        }

        if (!string.IsNullOrWhiteSpace(Cosmos.ConnectionString) && Cosmos.AccountEndpoint is not null)
        {
            throw new ArgumentException($"both {CosmosConnectionStringKey} and {CosmosAccountEndpointKey} are set: use the connection string (a key) or the endpoint (a managed identity), not both");
        }

        if (Cosmos.Emulator && string.IsNullOrWhiteSpace(Cosmos.ConnectionString))
        {
            throw new ArgumentException($"FedN:Cosmos:Emulator is set but {CosmosConnectionStringKey} is not: give the emulator's connection string, or remove the flag to use the embedded metadata store");
        }

        if (!UsesAzureStorage && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("FedN:Storage:DataDirectory is empty: the embedded stores need a directory");
        }
    }

    private static Uri? ServiceUri(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => null,
        var text when Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback) => uri,
        var text => throw new ArgumentException($"{key} must be an absolute https URI (for example https://<account>.blob.core.windows.net/), not '{text}'"),
    };

    private static bool Flag(IConfigurationSection section, string key, bool defaultValue = false) => section[key] switch
    {
        null or "" => defaultValue,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new ArgumentException($"{section.Path}:{key} must be true or false, not '{text}'"),
    };
}
