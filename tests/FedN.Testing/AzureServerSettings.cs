namespace FedN.Testing;

/// <summary>The <c>FedN:*</c> settings of a server on Azurite and the Cosmos emulator, each test's data under its own names.</summary>
public static class AzureServerSettings
{
    /// <summary>Blobs, queues and the task hub in <paramref name="azurite"/>, metadata in <paramref name="cosmos"/>, all named <paramref name="name"/>.</summary>
    public static Dictionary<string, string?> For(AzuriteFixture azurite, CosmosEmulatorFixture cosmos, string name)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(cosmos);
        return new()
        {
            ["FedN:Storage:ConnectionString"] = azurite.ConnectionString,
            ["FedN:Storage:Container"] = name,
            ["FedN:Cosmos:ConnectionString"] = cosmos.ConnectionString,
            ["FedN:Cosmos:Emulator"] = "true",
            ["FedN:Cosmos:DatabaseName"] = name,
            ["FedN:Durable:TaskHubName"] = name,
        };
    }

    /// <summary>The same as environment variables (<c>FedN__Storage__...</c>), for a server process.</summary>
    public static Dictionary<string, string> AsEnvironment(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Where(setting => setting.Value is not null).ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value!);
    }
}
