using FedN.Security;
using FedN.Settings;
using Microsoft.Extensions.Configuration;

namespace FedN.Hosting;

/// <summary>
/// What the Functions app needs from its app settings, read and checked once at start, so a
/// deployment missing one fails with the name of the setting instead of at the first request.
/// On Azure there is no data directory: storage, metadata and the signing key must all be configured.
/// </summary>
public sealed record AzureHostSettings
{
    /// <summary>The Web PubSub connection setting; the name is the Functions extension's default, so its triggers and FedN's sender share it.</summary>
    public const string WebPubSubConnectionSetting = AppSettingNames.WebPubSubConnectionString;

    /// <summary>The settings the Functions app cannot start without, whichever way it reaches its data.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } = [AuthSigningKey.ConfigurationKey, WebPubSubConnectionSetting];

    /// <summary>Where the data is, reached with keys: Azure Storage and Cosmos DB connection strings (what the emulators use).</summary>
    public static IReadOnlyList<string> KeyDataSettings { get; } = [StorageSettings.StorageConnectionStringKey, StorageSettings.CosmosConnectionStringKey];

    /// <summary>Where the data is, reached with the app's managed identity: service URIs and the Cosmos DB endpoint (what the Pulumi program sets).</summary>
    public static IReadOnlyList<string> IdentityDataSettings { get; } = [StorageSettings.BlobServiceUriKey, StorageSettings.QueueServiceUriKey, StorageSettings.CosmosAccountEndpointKey];

    /// <summary>Blobs and queues (Azure Storage) and metadata (Cosmos DB).</summary>
    public required StorageSettings Storage { get; init; }

    /// <summary>The key that signs API tokens.</summary>
    public required byte[] SigningKey { get; init; }

    /// <summary>The Web PubSub service's connection string.</summary>
    public required string WebPubSubConnectionString { get; init; }

    /// <summary>Reads and checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is missing or unusable; the message names it and says what to set.</exception>
    public static async Task<AzureHostSettings> FromConfigurationAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var missing = RequiredSettings.Where(key => IsMissing(configuration, key)).Select(AppSettingName).ToList();
        if (IsMissing(configuration, StorageSettings.StorageConnectionStringKey) && IsMissing(configuration, StorageSettings.BlobServiceUriKey))
        {
            missing.Add($"{AppSettingName(StorageSettings.StorageConnectionStringKey)} (or {AppSettingName(StorageSettings.BlobServiceUriKey)} and {AppSettingName(StorageSettings.QueueServiceUriKey)} for a managed identity)");
        }

        if (IsMissing(configuration, StorageSettings.CosmosConnectionStringKey) && IsMissing(configuration, StorageSettings.CosmosAccountEndpointKey))
        {
            missing.Add($"{AppSettingName(StorageSettings.CosmosConnectionStringKey)} (or {AppSettingName(StorageSettings.CosmosAccountEndpointKey)} for a managed identity)");
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"the Functions app is missing the app setting(s) {string.Join(", ", missing)}; " +
                "see local.settings.sample.json (the Pulumi program sets them all on Azure)");
        }

        var storage = StorageSettings.FromConfiguration(configuration);
        return new AzureHostSettings
        {
            Storage = storage,
            SigningKey = await AuthSigningKey.LoadAsync(configuration[AuthSigningKey.ConfigurationKey], storage.DataDirectory, cancellationToken),
            WebPubSubConnectionString = configuration[WebPubSubConnectionSetting]!,
        };
    }

    /// <summary>How a configuration key is spelled as an app setting or environment variable (<c>FedN__Auth__SigningKey</c>).</summary>
    public static string AppSettingName(string key) => AppSettingNames.AppSettingName(key);

    private static bool IsMissing(IConfiguration configuration, string key) => string.IsNullOrWhiteSpace(configuration[key]);
}
