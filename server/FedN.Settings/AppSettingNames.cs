namespace FedN.Settings;

/// <summary>
/// The configuration keys FedN's hosts read (<c>FedN:Section:Name</c>; in environment variables and
/// Functions app settings <c>FedN__Section__Name</c>) and their defaults, written once: the hosting
/// layer reads them, the deployment program (infra) writes them, and neither needs the other.
/// </summary>
public static class AppSettingNames
{
    /// <summary>Azure Storage connection string for blobs and queues.</summary>
    public const string StorageConnectionString = "FedN:Storage:ConnectionString";

    /// <summary>The blob service, reached with a managed identity.</summary>
    public const string BlobServiceUri = "FedN:Storage:BlobServiceUri";

    /// <summary>The queue service, reached with a managed identity.</summary>
    public const string QueueServiceUri = "FedN:Storage:QueueServiceUri";

    /// <summary>The blob container.</summary>
    public const string BlobContainer = "FedN:Storage:Container";

    /// <summary>The default of <see cref="BlobContainer"/>.</summary>
    public const string DefaultBlobContainer = "fedn";

    /// <summary>The embedded stores' directory.</summary>
    public const string DataDirectory = "FedN:Storage:DataDirectory";

    /// <summary>The section of the Cosmos DB settings.</summary>
    public const string CosmosSection = "FedN:Cosmos";

    /// <summary>Cosmos DB connection string.</summary>
    public const string CosmosConnectionString = CosmosSection + ":ConnectionString";

    /// <summary>Cosmos DB endpoint, reached with a managed identity.</summary>
    public const string CosmosAccountEndpoint = CosmosSection + ":AccountEndpoint";

    /// <summary>The Cosmos DB database.</summary>
    public const string CosmosDatabaseName = CosmosSection + ":DatabaseName";

    /// <summary>The default of <see cref="CosmosDatabaseName"/>.</summary>
    public const string DefaultCosmosDatabase = "fedn";

    /// <summary>The key that signs API and hub tokens (base64, at least 32 bytes).</summary>
    public const string SigningKey = "FedN:Auth:SigningKey";

    /// <summary>The Functions app's Web PubSub service (the name its extension reads).</summary>
    public const string WebPubSubConnectionString = "WebPubSubConnectionString";

    /// <summary>A key as an app setting or environment variable name: <c>FedN:Storage:Container</c> is <c>FedN__Storage__Container</c>.</summary>
    public static string AppSettingName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Replace(":", "__", StringComparison.Ordinal);
    }
}
