using FedN.Security;
using FedN.Settings;

namespace FedN.Infrastructure;

/// <summary>
/// Everything a FedN deployment on Azure consists of, as plain data: what the Pulumi program
/// creates, one resource per entry, without deciding anything itself. Built from checked
/// <see cref="DeploymentSettings"/>; its tests prove the Functions app can start on it.
/// </summary>
public sealed record AzureDeployment
{
    /// <summary>The container of the app package (Flex Consumption deployment storage).</summary>
    public const string AppPackageContainer = "app-package";

    /// <summary>The settings it was built from.</summary>
    public required DeploymentSettings Settings { get; init; }

    /// <summary>Resource names.</summary>
    public required ResourceNames Names { get; init; }

    /// <summary>
    /// Blob containers: FedN's data (models, updates and partials under each session, one container
    /// because transfer URLs are scoped to single blobs anyway) and the app package. FedN creates its
    /// intake queues per round as it needs them, and Durable its own queues and tables.
    /// </summary>
    public required IReadOnlyList<string> BlobContainers { get; init; }

    /// <summary>The Cosmos DB database.</summary>
    public required CosmosDescription Cosmos { get; init; }

    /// <summary>The Web PubSub hub.</summary>
    public required WebPubSubHubDescription Hub { get; init; }

    /// <summary>The Functions app.</summary>
    public required FunctionAppDescription FunctionApp { get; init; }

    /// <summary>The roles of the app's managed identity: the least that lets it run.</summary>
    public required IReadOnlyList<RoleGrant> RoleGrants { get; init; }

    /// <summary>What <c>pulumi stack output</c> shows.</summary>
    public required IReadOnlyList<StackOutput> Outputs { get; init; }

    /// <summary>Describes the deployment for valid settings.</summary>
    /// <exception cref="DeploymentSettingsException">The settings have problems.</exception>
    public static AzureDeployment Describe(DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problems() is { Count: > 0 } problems)
        {
            throw new DeploymentSettingsException(problems);
        }

        var names = ResourceNames.For(settings);
        var dataContainer = AppSettingNames.DefaultBlobContainer;
        var cosmos = new CosmosDescription { Throughput = settings.CosmosThroughput };
        return new AzureDeployment
        {
            Settings = settings,
            Names = names,
            BlobContainers = [dataContainer, AppPackageContainer],
            Cosmos = cosmos,
            Hub = new WebPubSubHubDescription(),
            FunctionApp = new FunctionAppDescription
            {
                MaximumInstanceCount = settings.MaximumInstanceCount,
                InstanceMemoryMB = settings.InstanceMemoryMB,
                DeploymentContainer = AppPackageContainer,
                Settings = AppSettings(names, dataContainer, cosmos),
            },
            RoleGrants =
            [
                new(AzureRole.StorageBlobDataOwner, RoleScope.StorageAccount),
                new(AzureRole.StorageQueueDataContributor, RoleScope.StorageAccount),
                new(AzureRole.StorageTableDataContributor, RoleScope.StorageAccount),
                new(AzureRole.CosmosDataContributor, RoleScope.CosmosDatabase),
            ],
            Outputs = StackOutputs(settings, names),
        };
    }

    /// <summary>
    /// Storage and Cosmos DB by managed identity (no keys in settings); Web PubSub by its connection
    /// string, because the extension checks the signature of each upstream event with the access key.
    /// Flex Consumption takes the runtime from the site's configuration, so FUNCTIONS_WORKER_RUNTIME
    /// and WEBSITE_RUN_FROM_PACKAGE must not be set.
    /// </summary>
    private static List<AppSetting> AppSettings(ResourceNames names, string dataContainer, CosmosDescription cosmos) =>
    [
        AppSetting.Fixed("AzureWebJobsStorage__accountName", names.StorageAccount),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", SettingSource.ApplicationInsightsConnectionString),
        // Azure.Identity's DefaultAzureCredential tries only the deployed credentials (managed identity), not developer sign-ins.
        AppSetting.Fixed("AZURE_TOKEN_CREDENTIALS", "prod"),
        new(AppSettingNames.AppSettingName(AppSettingNames.BlobServiceUri), SettingSource.BlobEndpoint),
        new(AppSettingNames.AppSettingName(AppSettingNames.QueueServiceUri), SettingSource.QueueEndpoint),
        AppSetting.Fixed(AppSettingNames.AppSettingName(AppSettingNames.BlobContainer), dataContainer),
        new(AppSettingNames.AppSettingName(AppSettingNames.CosmosAccountEndpoint), SettingSource.CosmosEndpoint),
        AppSetting.Fixed(AppSettingNames.AppSettingName(AppSettingNames.CosmosDatabaseName), cosmos.DatabaseName),
        new(AppSettingNames.AppSettingName(AuthSigningKey.ConfigurationKey), SettingSource.SigningKey),
        new(AppSettingNames.WebPubSubConnectionString, SettingSource.WebPubSubConnectionString),
    ];

    private static List<StackOutput> StackOutputs(DeploymentSettings settings, ResourceNames names) =>
    [
        new("serverUrl", OutputSource.ServerUrl),
        new("apiBaseUrl", OutputSource.ApiBaseUrl),
        new("webPubSubEndpoint", OutputSource.WebPubSubEndpoint),
        new("dashboardUrl", OutputSource.DashboardUrl),
        StackOutput.Fixed("resourceGroup", names.ResourceGroup),
        StackOutput.Fixed("functionApp", names.FunctionApp),
        StackOutput.Fixed("deployAppPackage",
            "./scripts/build-dashboard.sh && dotnet publish functions/FedN.Functions -c Release -o artifacts/functions-app && (cd artifacts/functions-app && zip -qr ../functions-app.zip .) && " +
            $"az functionapp deployment source config-zip -g {names.ResourceGroup} -n {names.FunctionApp} --src artifacts/functions-app.zip"),
        StackOutput.Fixed("firstAdminToken",
            $"FedN__Auth__SigningKey=\"$(pulumi config get fedn:{DeploymentSettings.Keys.SigningKey})\" ./fedn token create --role admin"),
        StackOutput.Fixed("nextStep", settings.AppDeployed
            ? "ready: export FEDN_SERVER=$(pulumi stack output serverUrl) FEDN_TOKEN=<the admin token>, then ./fedn clients list"
            : "deploy the app package (pulumi stack output deployAppPackage), request <apiBaseUrl>/openapi.json once so the app starts and creates its Web PubSub key, " +
              $"then: pulumi config set fedn:{DeploymentSettings.Keys.AppDeployed} true && pulumi up (wires the Web PubSub hub to the app)"),
    ];
}
