using FedN.Settings;
namespace FedN.Storage.Azure;

/// <summary>Settings of a <see cref="CosmosMetadataStore"/> (configuration section <c>FedN:Cosmos</c>).</summary>
public sealed class CosmosMetadataStoreOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = AppSettingNames.CosmosSection;

    /// <summary><c>AccountEndpoint=...;AccountKey=...;</c> of the account (key <c>FedN:Cosmos:ConnectionString</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The account's endpoint (<c>https://&lt;account&gt;.documents.azure.com:443/</c>, key
    /// <c>FedN:Cosmos:AccountEndpoint</c>), to connect with a token credential such as a managed
    /// identity instead of a key. Data-plane roles cannot create databases or containers, so they
    /// must exist already (the Pulumi program creates them); the store checks that they do.
    /// </summary>
    public Uri? AccountEndpoint { get; set; }

    /// <summary>The database holding FedN's containers.</summary>
    public string DatabaseName { get; set; } = AppSettingNames.DefaultCosmosDatabase;

    /// <summary>
    /// Turns on the compatibility layer for the local emulator (<c>@vercel/cosmosdb-server</c>):
    /// gateway mode on its one endpoint, its self-signed certificate accepted, and answers for the
    /// requests it does not implement. Never set it against Azure (key <c>FedN:Cosmos:Emulator</c>).
    /// </summary>
    public bool Emulator { get; set; }

    /// <summary>With a connection string, create the database and containers when missing. Never done with <see cref="AccountEndpoint"/>, whose data-plane role cannot.</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>Provisioned throughput (RU/s) for a database created here; <see langword="null"/> for a serverless account.</summary>
    public int? DatabaseThroughput { get; set; }

    /// <summary>Retries of a throttled (429) request, each after the wait the service asks for.</summary>
    public int MaxRetryAttemptsOnRateLimitedRequests { get; set; } = 9;

    /// <summary>Longest total wait over those retries.</summary>
    public TimeSpan MaxRetryWaitTimeOnRateLimitedRequests { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request may take before the SDK gives up on it (and retries where it is safe).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
