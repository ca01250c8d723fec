using FedN.Storage.Azure;
using Microsoft.Extensions.Configuration;

namespace FedN.Hosting;

/// <summary>
/// Where FedN keeps its data, from configuration. Each part is embedded unless its connection
/// string is set: blobs and queues in Azure Storage with <c>FedN:Storage:ConnectionString</c>,
/// metadata in Cosmos DB with <c>FedN:Cosmos:ConnectionString</c>.
/// </summary>
public sealed record StorageSettings
{
    /// <summary>The key of <see cref="StorageConnectionString"/>.</summary>
    public const string StorageConnectionStringKey = "FedN:Storage:ConnectionString";

    /// <summary>The key of the Cosmos DB connection string (<see cref="CosmosMetadataStoreOptions.ConnectionString"/>).</summary>
    public const string CosmosConnectionStringKey = CosmosMetadataStoreOptions.Section + ":ConnectionString";

    /// <summary>Azure Storage connection string for blobs and queues (<c>FedN:Storage:ConnectionString</c>); embedded when unset.</summary>
    public string? StorageConnectionString { get; init; }

    /// <summary>The blob container (<c>FedN:Storage:Container</c>).</summary>
    public string BlobContainer { get; init; } = "fedn";

    /// <summary>The directory of the embedded stores (<c>FedN:Storage:DataDirectory</c>).</summary>
    public string DataDirectory { get; init; } = ".fedn/data";

    /// <summary>Cosmos DB settings (section <c>FedN:Cosmos</c>); metadata is embedded when the connection string is unset.</summary>
    public CosmosMetadataStoreOptions Cosmos { get; init; } = new();

    /// <summary>Whether blobs and queues are in Azure Storage.</summary>
    public bool UsesAzureStorage => !string.IsNullOrWhiteSpace(StorageConnectionString);

    /// <summary>Whether metadata is in Cosmos DB.</summary>
    public bool UsesCosmos => !string.IsNullOrWhiteSpace(Cosmos.ConnectionString);

    /// <summary>Reads the settings, saying which key is wrong when one is.</summary>
    /// <exception cref="ArgumentException">A value cannot be used.</exception>
    public static StorageSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var cosmos = configuration.GetSection(CosmosMetadataStoreOptions.Section);
        var settings = new StorageSettings
        {
            StorageConnectionString = configuration[StorageConnectionStringKey],
            BlobContainer = configuration["FedN:Storage:Container"] ?? "fedn",
            DataDirectory = configuration["FedN:Storage:DataDirectory"] ?? ".fedn/data",
            Cosmos = new CosmosMetadataStoreOptions
            {
                ConnectionString = cosmos["ConnectionString"],
                DatabaseName = cosmos["DatabaseName"] ?? "fedn",
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
        if (Cosmos.Emulator && !UsesCosmos)
        {
            throw new ArgumentException("FedN:Cosmos:Emulator is set but FedN:Cosmos:ConnectionString is not: give the emulator's connection string, or remove the flag to use the embedded metadata store");
        }

        if (!UsesAzureStorage && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("FedN:Storage:DataDirectory is empty: the embedded stores need a directory");
        }
    }

    private static bool Flag(IConfigurationSection section, string key, bool defaultValue = false) => section[key] switch
    {
        null or "" => defaultValue,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new ArgumentException($"{section.Path}:{key} must be true or false, not '{text}'"),
    };
}
