using System.Text.Json;
using System.Text.RegularExpressions;
using FedN.Contracts.Messaging;
using FedN.Hosting;
using FedN.Infrastructure;
using FedN.Storage.Azure;
using FedN.Storage.Metadata;
using FedN.Testing;
using Microsoft.Extensions.Configuration;

namespace FedN.Infrastructure.Tests;

/// <summary>
/// The deployment gives the Functions app everything it reads, by managed identity where Azure
/// allows, with the least roles, a hub wired as the app's triggers expect, and no secret in an output.
/// </summary>
public sealed partial class AzureDeploymentTests
{
    [Fact]
    public async Task The_Functions_app_starts_on_the_settings_the_deployment_gives_it()
    {
        var deployment = Deployments.Describe();

        var settings = await AzureHostSettings.FromConfigurationAsync(AppConfiguration(deployment));

        Assert.True(settings.Storage.StorageUsesIdentity, "FedN's blobs and queues should use the managed identity");
        Assert.True(settings.Storage.CosmosUsesIdentity, "FedN's metadata should use the managed identity");
        Assert.Equal(deployment.Cosmos.DatabaseName, settings.Storage.Cosmos.DatabaseName);
        Assert.Contains(settings.Storage.BlobContainer, deployment.BlobContainers);
        Assert.Equal(Convert.FromBase64String(Deployments.SigningKey), settings.SigningKey);
    }

    [Fact]
    public void Data_is_reached_by_identity_never_by_key_and_Flex_Consumption_settings_are_respected()
    {
        var deployment = Deployments.Describe();
        var names = deployment.FunctionApp.Settings.Select(s => s.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(AzureHostSettings.RequiredSettings.Concat(AzureHostSettings.IdentityDataSettings), key => Assert.Contains(AzureHostSettings.AppSettingName(key), names));
        Assert.All(AzureHostSettings.KeyDataSettings, key => Assert.DoesNotContain(AzureHostSettings.AppSettingName(key), names));
        // The Functions host and Durable's task hub use host storage by identity too: an account name, no connection string.
        Assert.Equal(deployment.Names.StorageAccount, Setting(deployment, "AzureWebJobsStorage__accountName").Literal);
        Assert.DoesNotContain("AzureWebJobsStorage", names);
        // Flex Consumption refuses these: the runtime and package come from the site's functionAppConfig.
        Assert.All(["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"], forbidden => Assert.DoesNotContain(forbidden, names));
        Assert.Equal(("dotnet-isolated", "10.0"), (deployment.FunctionApp.RuntimeName, deployment.FunctionApp.RuntimeVersion));
        Assert.Contains(deployment.FunctionApp.DeploymentContainer, deployment.BlobContainers);
        // App Service's health check calls the app's healthz function (FunctionCatalogTests checks its route).
        Assert.Equal("/api/healthz", deployment.FunctionApp.HealthCheckPath);
    }

    [Fact]
    public void Durable_uses_the_host_storage_connection_the_deployment_sets_by_identity()
    {
        var provider = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json"))).RootElement
            .GetProperty("extensions").GetProperty("durableTask").GetProperty("storageProvider");

        // No connectionName means AzureWebJobsStorage, which the deployment gives as AzureWebJobsStorage__accountName.
        Assert.True(!provider.TryGetProperty("connectionName", out var connection) || connection.GetString() == "AzureWebJobsStorage");
    }

    [Fact]
    public void The_identity_gets_exactly_the_data_roles_it_needs_and_no_management_role()
    {
        var grants = Deployments.Describe().RoleGrants;

        Assert.Equal(
            [
                ("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", RoleScope.StorageAccount),
                ("Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", RoleScope.StorageAccount),
                ("Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", RoleScope.StorageAccount),
                ("Cosmos DB Built-in Data Contributor", "00000000-0000-0000-0000-000000000002", RoleScope.CosmosDatabase),
            ],
            grants.Select(g => (g.Role.Name, g.Role.DefinitionId.ToString(), g.Scope)));
        Assert.All(grants, g => Assert.Contains(" Data ", g.Role.Name, StringComparison.Ordinal));
        Assert.Equal(RolePlane.CosmosDataPlane, Assert.Single(grants, g => g.Scope == RoleScope.CosmosDatabase).Role.Plane);
    }

    [Fact]
    public void Role_assignment_ids_are_stable_per_app_and_distinct_per_role()
    {
        var deployment = Deployments.Describe();
        var ids = deployment.RoleGrants.Select(g => g.AssignmentId(deployment.Names)).ToList();
        var otherStack = Deployments.Describe(config => config[DeploymentSettings.Keys.Prefix] = "other");

        Assert.Equal(ids, Deployments.Describe().RoleGrants.Select(g => g.AssignmentId(deployment.Names)));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Empty(ids.Intersect(otherStack.RoleGrants.Select(g => g.AssignmentId(otherStack.Names))));
        Assert.All(ids, id => Assert.Equal('5', id.ToString()[14]));
    }

    [Fact]
    public void The_hub_denies_anonymous_clients_and_forwards_exactly_the_events_the_app_handles()
    {
        var hub = Deployments.Describe().Hub;

        Assert.Equal(WebPubSubProtocol.DefaultHub, hub.Name);
        Assert.Equal("deny", hub.AnonymousConnectPolicy);
        Assert.Equal(["connect", "connected", "disconnected"], hub.SystemEvents);
        Assert.Equal(ClientEvents.All, hub.UserEventPattern.Split(','));
    }

    [Fact]
    public void The_event_handler_url_is_the_apps_Web_PubSub_webhook_with_the_escaped_extension_key()
    {
        var app = Deployments.Describe().Names.FunctionApp;

        var url = WebPubSubHubDescription.EventHandlerUrl($"{app}.azurewebsites.net", "k3y/with+base64==");

        Assert.Matches(EventHandlerUrlShape(), url);
        Assert.Equal($"https://{app}.azurewebsites.net/runtime/webhooks/webpubsub?code=k3y%2Fwith%2Bbase64%3D%3D", url);
        Assert.Equal("k3y/with+base64==", Uri.UnescapeDataString(new Uri(url).Query["?code=".Length..]));
    }

    [Fact]
    public void Cosmos_has_every_container_the_store_checks_for_partitioned_as_it_writes_and_is_serverless_unless_throughput_is_set()
    {
        var serverless = Deployments.Describe().Cosmos;
        var provisioned = Deployments.Describe(config => config[DeploymentSettings.Keys.CosmosThroughput] = "1000").Cosmos;

        Assert.Equal(MetadataContainers.All, serverless.Containers);
        Assert.Equal(CosmosMetadataStore.PartitionKeyPath, serverless.PartitionKeyPath);
        Assert.True(serverless.Serverless);
        Assert.Equal(1000, provisioned.Throughput);
        Assert.False(provisioned.Serverless);
    }

    [Fact]
    public void Only_the_Web_PubSub_connection_string_and_the_signing_key_are_secret_and_no_output_shows_a_secret()
    {
        var deployment = Deployments.Describe();

        Assert.Equal(
            [AzureHostSettings.AppSettingName(FedN.Security.AuthSigningKey.ConfigurationKey), AzureHostSettings.WebPubSubConnectionSetting],
            deployment.FunctionApp.Settings.Where(s => s.IsSecret).Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(deployment.FunctionApp.Settings.Where(s => s.Source == SettingSource.Literal), s => Assert.NotNull(s.Literal));
        Assert.All(deployment.Outputs, output => Assert.DoesNotContain(Deployments.SigningKey, output.Literal ?? "", StringComparison.Ordinal));
        Assert.Equal(["serverUrl", "apiBaseUrl", "webPubSubEndpoint", "dashboardUrl"], deployment.Outputs.Where(o => o.Source != OutputSource.Literal).Select(o => o.Name));
    }

    [Fact]
    public void Until_the_app_is_deployed_the_next_step_says_how_to_deploy_it_and_wire_the_hub()
    {
        var first = Deployments.Describe();
        var second = Deployments.Describe(config => config[DeploymentSettings.Keys.AppDeployed] = "true");

        Assert.Contains("pulumi config set fedn:appDeployed true && pulumi up", Output(first, "nextStep"), StringComparison.Ordinal);
        Assert.StartsWith("ready:", Output(second, "nextStep"), StringComparison.Ordinal);
        Assert.Contains($"-g {first.Names.ResourceGroup} -n {first.Names.FunctionApp}", Output(first, "deployAppPackage"), StringComparison.Ordinal);
        Assert.Contains("pulumi config get fedn:signingKey", Output(first, "firstAdminToken"), StringComparison.Ordinal);
    }

    /// <summary>The app's configuration as Azure would give it: app settings with each resource's value in place.</summary>
    private static IConfiguration AppConfiguration(AzureDeployment deployment)
    {
        var names = deployment.Names;
        var values = deployment.FunctionApp.Settings.ToDictionary(
            setting => setting.Name.Replace("__", ":", StringComparison.Ordinal),
            setting => (string?)(setting.Source switch
            {
                SettingSource.Literal => setting.Literal,
                SettingSource.BlobEndpoint => $"https://{names.StorageAccount}.blob.core.windows.net/",
                SettingSource.QueueEndpoint => $"https://{names.StorageAccount}.queue.core.windows.net/",
                SettingSource.CosmosEndpoint => $"https://{names.CosmosAccount}.documents.azure.com:443/",
                SettingSource.ApplicationInsightsConnectionString => "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/",
                SettingSource.WebPubSubConnectionString => $"Endpoint=https://{names.WebPubSub}.webpubsub.azure.com;AccessKey=a2V5;Version=1.0;",
                SettingSource.SigningKey => Deployments.SigningKey,
                _ => throw new ArgumentOutOfRangeException(nameof(deployment), setting.Source, "a setting source this test does not know"),
            }));
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static AppSetting Setting(AzureDeployment deployment, string name) => Assert.Single(deployment.FunctionApp.Settings, s => s.Name == name);

    private static string Output(AzureDeployment deployment, string name) => Assert.Single(deployment.Outputs, o => o.Name == name).Literal!;

    [GeneratedRegex(@"^https://[a-z0-9-]+\.azurewebsites\.net/runtime/webhooks/webpubsub\?code=[A-Za-z0-9%_.~-]+$")]
    private static partial Regex EventHandlerUrlShape();
}
