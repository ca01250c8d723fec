namespace FedN.Infrastructure;

/// <summary>One app setting of the Functions app: its name and where its value comes from.</summary>
/// <param name="Name">The setting's name as App Service takes it (<c>FedN__Cosmos__AccountEndpoint</c>).</param>
/// <param name="Source">Where the value comes from.</param>
/// <param name="Literal">The value, when <paramref name="Source"/> is <see cref="SettingSource.Literal"/>.</param>
public sealed record AppSetting(string Name, SettingSource Source, string? Literal = null)
{
    /// <summary>A fixed value.</summary>
    public static AppSetting Fixed(string name, string value) => new(name, SettingSource.Literal, value);

    /// <summary>Whether the value is a secret: passed to Azure only as a Pulumi secret, never shown in an output.</summary>
    public bool IsSecret => Source.IsSecret();
}

/// <summary>Where an app setting's value comes from: fixed, or known only once a resource exists.</summary>
public enum SettingSource
{
    /// <summary><see cref="AppSetting.Literal"/>.</summary>
    Literal,

    /// <summary>The storage account's blob endpoint (<c>https://&lt;account&gt;.blob.core.windows.net/</c>).</summary>
    BlobEndpoint,

    /// <summary>The storage account's queue endpoint.</summary>
    QueueEndpoint,

    /// <summary>The Cosmos DB account's document endpoint.</summary>
    CosmosEndpoint,

    /// <summary>Application Insights' connection string (an ingestion address and instrumentation key, not a credential).</summary>
    ApplicationInsightsConnectionString,

    /// <summary>Web PubSub's primary connection string, which holds its access key. Secret.</summary>
    WebPubSubConnectionString,

    /// <summary>The API token signing key from the stack's secret config. Secret.</summary>
    SigningKey,
}

/// <summary>What is known about each <see cref="SettingSource"/>.</summary>
public static class SettingSources
{
    /// <summary>Whether values from this source are secrets.</summary>
    public static bool IsSecret(this SettingSource source) => source is SettingSource.WebPubSubConnectionString or SettingSource.SigningKey;
}
