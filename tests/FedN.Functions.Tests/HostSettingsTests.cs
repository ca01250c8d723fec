using System.Security.Cryptography;
using System.Text.Json;
using FedN.Hosting;
using FedN.Security;
using Microsoft.Extensions.Configuration;

namespace FedN.Functions.Tests;

/// <summary>host.json and local.settings.sample.json parse and hold what the app and Durable need; missing app settings are named.</summary>
public sealed class HostSettingsTests
{
    [Fact]
    public void Host_json_configures_Durable_on_Azure_Storage_with_a_valid_task_hub_and_a_timeout_for_long_combiners()
    {
        var host = HostFiles.Read("host.json");
        var durable = host.GetProperty("extensions").GetProperty("durableTask");
        var provider = durable.GetProperty("storageProvider");

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", provider.GetProperty("type").GetString());
        Assert.InRange(provider.GetProperty("partitionCount").GetInt32(), 1, 16);
        // A combiner runs until its round's deadline; the default 30 minutes would cut long rounds short.
        Assert.True(TimeSpan.Parse(host.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.FromHours(1));
        Assert.True(host.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings").GetProperty("isEnabled").GetBoolean());
    }

    [Fact]
    public void The_sample_local_settings_name_every_setting_the_app_reads_and_run_on_Azurite()
    {
        var values = HostFiles.Read("local.settings.sample.json").GetProperty("Values");

        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.All(AzureHostSettings.RequiredSettings.Concat(AzureHostSettings.KeyDataSettings), key =>
            Assert.True(values.TryGetProperty(AzureHostSettings.AppSettingName(key), out var value) && value.ValueKind == JsonValueKind.String, $"local.settings.sample.json lacks {key}"));
    }

    [Fact]
    public async Task Missing_app_settings_are_named_in_the_error()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageSettings.StorageConnectionStringKey] = "UseDevelopmentStorage=true",
        }).Build();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => AzureHostSettings.FromConfigurationAsync(configuration));

        Assert.Contains("FedN__Auth__SigningKey, WebPubSubConnectionString, FedN__Cosmos__ConnectionString (or FedN__Cosmos__AccountEndpoint for a managed identity)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("FedN__Storage__", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_app_settings_are_read()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageSettings.StorageConnectionStringKey] = "UseDevelopmentStorage=true",
            [StorageSettings.CosmosConnectionStringKey] = "AccountEndpoint=https://127.0.0.1:8081/;AccountKey=a2V5",
            [AuthSigningKey.ConfigurationKey] = Convert.ToBase64String(key),
            [AzureHostSettings.WebPubSubConnectionSetting] = "Endpoint=https://fedn.webpubsub.azure.com;AccessKey=a2V5;Version=1.0;",
        }).Build();

        var settings = await AzureHostSettings.FromConfigurationAsync(configuration);

        Assert.True(settings.Storage.UsesAzureStorage && settings.Storage.UsesCosmos);
        Assert.False(settings.Storage.StorageUsesIdentity || settings.Storage.CosmosUsesIdentity);
        Assert.Equal(key, settings.SigningKey);
    }

    [Fact]
    public async Task Service_uris_and_the_Cosmos_endpoint_select_the_managed_identity()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageSettings.BlobServiceUriKey] = "https://fednst.blob.core.windows.net/",
            [StorageSettings.QueueServiceUriKey] = "https://fednst.queue.core.windows.net/",
            [StorageSettings.CosmosAccountEndpointKey] = "https://fedn-cosmos.documents.azure.com:443/",
            [AuthSigningKey.ConfigurationKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [AzureHostSettings.WebPubSubConnectionSetting] = "Endpoint=https://fedn.webpubsub.azure.com;AccessKey=a2V5;Version=1.0;",
        }).Build();

        var settings = await AzureHostSettings.FromConfigurationAsync(configuration);

        Assert.True(settings.Storage.StorageUsesIdentity && settings.Storage.CosmosUsesIdentity);
        Assert.Equal("fednst.queue.core.windows.net", settings.Storage.QueueServiceUri!.Host);
        Assert.Equal(new Uri("https://fedn-cosmos.documents.azure.com:443/"), settings.Storage.Cosmos.AccountEndpoint);
    }

    [Theory]
    [InlineData(StorageSettings.BlobServiceUriKey, "https://a.blob.core.windows.net/", null, null, "FedN:Storage:QueueServiceUri is missing")]
    [InlineData(StorageSettings.BlobServiceUriKey, "http://a.blob.core.windows.net/", StorageSettings.QueueServiceUriKey, "https://a.queue.core.windows.net/", "must be an absolute https URI")]
    [InlineData(StorageSettings.StorageConnectionStringKey, "UseDevelopmentStorage=true", StorageSettings.BlobServiceUriKey, "https://a.blob.core.windows.net/", "not both")]
    [InlineData(StorageSettings.CosmosConnectionStringKey, "AccountEndpoint=https://127.0.0.1:8081/;AccountKey=a2V5", StorageSettings.CosmosAccountEndpointKey, "https://a.documents.azure.com:443/", "not both")]
    public void Mixed_or_partial_identity_settings_are_refused_with_the_key_to_fix(string key, string value, string? otherKey, string? otherValue, string expected)
    {
        var values = new Dictionary<string, string?> { [key] = value };
        if (otherKey is not null)
        {
            values[otherKey] = otherValue;
        }

        var error = Assert.Throws<ArgumentException>(() => StorageSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
