using FedN.Infrastructure;
using Pulumi;
using Pulumi.AzureNative.ApplicationInsights;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.CosmosDB;
using Pulumi.AzureNative.CosmosDB.Inputs;
using Pulumi.AzureNative.OperationalInsights;
using Pulumi.AzureNative.OperationalInsights.Inputs;
using Pulumi.AzureNative.Resources;
using Pulumi.AzureNative.Storage;
using Pulumi.AzureNative.Web;
using Pulumi.AzureNative.Web.Inputs;
using Pulumi.AzureNative.WebPubSub;
using Pulumi.AzureNative.WebPubSub.Inputs;
using StorageSkuArgs = Pulumi.AzureNative.Storage.Inputs.SkuArgs;
using WebPubSubService = Pulumi.AzureNative.WebPubSub.WebPubSub;

namespace FedN.Provisioning;

/// <summary>
/// Maps an <see cref="AzureDeployment"/> to Azure Native resources, one per entry. Decisions
/// (names, settings, roles, outputs) belong to the description, which is tested; this class only
/// says how each entry is spelled in Pulumi.
/// </summary>
internal sealed class AzureResources
{
    private readonly AzureDeployment _deployment;
    private readonly string _subscriptionId;
    private readonly InputMap<string> _tags;
    private readonly Output<string> _resourceGroup;

    private AzureResources(AzureDeployment deployment, string subscriptionId)
    {
        _deployment = deployment;
        _subscriptionId = subscriptionId;
        _tags = new InputMap<string> { { "application", "fedn" }, { "stack", deployment.Settings.StackName } };
        _resourceGroup = new ResourceGroup("resource-group", new ResourceGroupArgs
        {
            ResourceGroupName = deployment.Names.ResourceGroup,
            Location = deployment.Settings.Location,
            Tags = _tags,
        }).Name;
    }

    private ResourceNames Names => _deployment.Names;

    private DeploymentSettings Settings => _deployment.Settings;

    /// <summary>Creates every resource and returns the stack outputs.</summary>
    public static Dictionary<string, object?> Create(AzureDeployment deployment, string subscriptionId)
    {
        var resources = new AzureResources(deployment, subscriptionId);
        var storage = resources.Storage();
        var cosmos = resources.Cosmos();
        var webPubSub = resources.WebPubSub();
        var insights = resources.ApplicationInsights();
        var app = resources.FunctionApp(storage, cosmos.Account, webPubSub, insights);
        resources.GrantRoles(app, storage, cosmos.Account);
        resources.Hub(webPubSub, app);
        return resources.Outputs(app, webPubSub);
    }

    private StorageAccount Storage()
    {
        var account = new StorageAccount("storage", new StorageAccountArgs
        {
            AccountName = Names.StorageAccount,
            ResourceGroupName = _resourceGroup,
            Location = Settings.Location,
            Kind = Kind.StorageV2,
            Sku = new StorageSkuArgs { Name = Settings.StorageSku },
            MinimumTlsVersion = MinimumTlsVersion.TLS1_2,
            EnableHttpsTrafficOnly = true,
            AllowBlobPublicAccess = false,
            // Every reader has an identity: the app, Durable and the deployment use roles, transfer URLs are user delegation SAS.
            AllowSharedKeyAccess = false,
            Tags = _tags,
        });
        foreach (var container in _deployment.BlobContainers)
        {
            _ = new BlobContainer($"container-{container}", new BlobContainerArgs
            {
                AccountName = account.Name,
                ResourceGroupName = _resourceGroup,
                ContainerName = container,
            });
        }

        return account;
    }

    private (DatabaseAccount Account, SqlResourceSqlDatabase Database) Cosmos()
    {
        var description = _deployment.Cosmos;
        var capabilities = new InputList<CapabilityArgs>();
        if (description.Serverless)
        {
            capabilities.Add(new CapabilityArgs { Name = "EnableServerless" });
        }

        var account = new DatabaseAccount("cosmos", new DatabaseAccountArgs
        {
            AccountName = Names.CosmosAccount,
            ResourceGroupName = _resourceGroup,
            Location = Settings.Location,
            DatabaseAccountOfferType = DatabaseAccountOfferType.Standard,
            Locations = { new LocationArgs { LocationName = Settings.Location, FailoverPriority = 0 } },
            ConsistencyPolicy = new ConsistencyPolicyArgs { DefaultConsistencyLevel = DefaultConsistencyLevel.Session },
            Capabilities = capabilities,
            // Keys off: only identities with a data role get in.
            DisableLocalAuth = true,
            Tags = _tags,
        });
        var databaseArgs = new SqlResourceSqlDatabaseArgs
        {
            AccountName = account.Name,
            ResourceGroupName = _resourceGroup,
            DatabaseName = description.DatabaseName,
            Resource = new SqlDatabaseResourceArgs { Id = description.DatabaseName },
        };
        if (description.Throughput is { } throughput)
        {
            // Shared by every container: FedN's containers are small, and one budget is simpler to size.
            databaseArgs.Options = new CreateUpdateOptionsArgs { Throughput = throughput };
        }

        var database = new SqlResourceSqlDatabase("cosmos-database", databaseArgs);
        foreach (var container in description.Containers)
        {
            _ = new SqlResourceSqlContainer($"cosmos-{container}", new SqlResourceSqlContainerArgs
            {
                AccountName = account.Name,
                ResourceGroupName = _resourceGroup,
                DatabaseName = database.Name,
                ContainerName = container,
                Resource = new SqlContainerResourceArgs
                {
                    Id = container,
                    PartitionKey = new ContainerPartitionKeyArgs { Paths = { description.PartitionKeyPath }, Kind = PartitionKind.Hash, Version = 2 },
                },
            });
        }

        return (account, database);
    }

    private WebPubSubService WebPubSub() => new("web-pubsub", new WebPubSubArgs
    {
        ResourceName = Names.WebPubSub,
        ResourceGroupName = _resourceGroup,
        Location = Settings.Location,
        Sku = new ResourceSkuArgs { Name = Settings.WebPubSubSku, Capacity = Settings.WebPubSubUnits },
        Tags = _tags,
    });

    private Component ApplicationInsights()
    {
        var workspace = new Workspace("logs", new WorkspaceArgs
        {
            WorkspaceName = Names.LogAnalyticsWorkspace,
            ResourceGroupName = _resourceGroup,
            Location = Settings.Location,
            Sku = new WorkspaceSkuArgs { Name = WorkspaceSkuNameEnum.PerGB2018 },
            RetentionInDays = Settings.LogRetentionDays,
            Tags = _tags,
        });
        return new Component("insights", new ComponentArgs
        {
            ResourceName = Names.ApplicationInsights,
            ResourceGroupName = _resourceGroup,
            Location = Settings.Location,
            ApplicationType = ApplicationType.Web,
            Kind = "web",
            WorkspaceResourceId = workspace.Id,
            Tags = _tags,
        });
    }

    private WebApp FunctionApp(StorageAccount storage, DatabaseAccount cosmos, WebPubSubService webPubSub, Component insights)
    {
        var description = _deployment.FunctionApp;
        var blobEndpoint = storage.PrimaryEndpoints.Apply(endpoints => endpoints.Blob);
        var webPubSubConnection = ListWebPubSubKeys.Invoke(new ListWebPubSubKeysInvokeArgs { ResourceGroupName = _resourceGroup, ResourceName = webPubSub.Name })
            .Apply(keys => Output.CreateSecret(keys.PrimaryConnectionString ?? throw new InvalidOperationException($"Web PubSub '{Names.WebPubSub}' returned no connection string")));
        var appSettings = new InputList<NameValuePairArgs>();
        foreach (var setting in description.Settings)
        {
            appSettings.Add(new NameValuePairArgs
            {
                Name = setting.Name,
                Value = setting.Source switch
                {
                    SettingSource.Literal => setting.Literal!,
                    SettingSource.BlobEndpoint => blobEndpoint,
                    SettingSource.QueueEndpoint => storage.PrimaryEndpoints.Apply(endpoints => endpoints.Queue),
                    SettingSource.CosmosEndpoint => cosmos.DocumentEndpoint,
                    SettingSource.ApplicationInsightsConnectionString => insights.ConnectionString,
                    SettingSource.WebPubSubConnectionString => webPubSubConnection,
                    SettingSource.SigningKey => Output.CreateSecret(Settings.SigningKey),
                    _ => throw new InvalidOperationException($"app setting {setting.Name} comes from {setting.Source}, which the Pulumi program does not map"),
                },
            });
        }

        var plan = new AppServicePlan("plan", new AppServicePlanArgs
        {
            Name = Names.AppServicePlan,
            ResourceGroupName = _resourceGroup,
            Location = Settings.Location,
            Kind = "functionapp",
            Reserved = true,
            Sku = new SkuDescriptionArgs { Name = "FC1", Tier = "FlexConsumption" },
            Tags = _tags,
        });
        return new WebApp("app", new WebAppArgs
        {
            Name = Names.FunctionApp,
            ResourceGroupName = _resourceGroup,
            Location = Settings.Location,
            Kind = "functionapp,linux",
            ServerFarmId = plan.Id,
            HttpsOnly = true,
            Identity = new ManagedServiceIdentityArgs { Type = ManagedServiceIdentityType.SystemAssigned },
            SiteConfig = new SiteConfigArgs { AppSettings = appSettings, MinTlsVersion = "1.2", FtpsState = "Disabled", HealthCheckPath = description.HealthCheckPath },
            FunctionAppConfig = new FunctionAppConfigArgs
            {
                Deployment = new FunctionsDeploymentArgs
                {
                    Storage = new FunctionsDeploymentStorageArgs
                    {
                        Type = "blobContainer",
                        Value = blobEndpoint.Apply(endpoint => endpoint + description.DeploymentContainer),
                        Authentication = new FunctionsDeploymentAuthenticationArgs { Type = "SystemAssignedIdentity" },
                    },
                },
                Runtime = new FunctionsRuntimeArgs { Name = description.RuntimeName, Version = description.RuntimeVersion },
                ScaleAndConcurrency = new FunctionsScaleAndConcurrencyArgs
                {
                    MaximumInstanceCount = description.MaximumInstanceCount,
                    InstanceMemoryMB = description.InstanceMemoryMB,
                },
            },
            Tags = _tags,
        });
    }

    private void GrantRoles(WebApp app, StorageAccount storage, DatabaseAccount cosmos)
    {
        var principalId = app.Identity.Apply(identity => identity?.PrincipalId ?? throw new InvalidOperationException($"the app '{Names.FunctionApp}' has no system-assigned identity"));
        foreach (var grant in _deployment.RoleGrants)
        {
            var id = grant.AssignmentId(Names).ToString();
            var resourceName = "role-" + grant.Role.Name.ToLowerInvariant().Replace(' ', '-');
            switch (grant.Role.Plane)
            {
                case RolePlane.AzureRbac:
                    _ = new RoleAssignment(resourceName, new RoleAssignmentArgs
                    {
                        RoleAssignmentName = id,
                        PrincipalId = principalId,
                        PrincipalType = PrincipalType.ServicePrincipal,
                        RoleDefinitionId = $"/subscriptions/{_subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{grant.Role.DefinitionId}",
                        Scope = grant.Scope == RoleScope.StorageAccount ? storage.Id : throw Unmapped(grant),
                    });
                    break;
                case RolePlane.CosmosDataPlane:
                    _ = new SqlResourceSqlRoleAssignment(resourceName, new SqlResourceSqlRoleAssignmentArgs
                    {
                        AccountName = cosmos.Name,
                        ResourceGroupName = _resourceGroup,
                        RoleAssignmentId = id,
                        PrincipalId = principalId,
                        RoleDefinitionId = cosmos.Id.Apply(account => $"{account}/sqlRoleDefinitions/{grant.Role.DefinitionId}"),
                        Scope = grant.Scope == RoleScope.CosmosDatabase ? cosmos.Id.Apply(account => $"{account}/dbs/{_deployment.Cosmos.DatabaseName}") : throw Unmapped(grant),
                    });
                    break;
                default:
                    throw Unmapped(grant);
            }
        }

        static InvalidOperationException Unmapped(RoleGrant grant) => new($"the role grant {grant} has a plane or scope the Pulumi program does not map");
    }

    /// <summary>
    /// The hub, with its event handler once the app package is deployed: the handler URL carries the
    /// app's <c>webpubsub_extension</c> system key, which exists only after the app has started.
    /// </summary>
    private void Hub(WebPubSubService webPubSub, WebApp app)
    {
        var hub = _deployment.Hub;
        var handlers = new InputList<EventHandlerArgs>();
        if (Settings.AppDeployed)
        {
            var hostKeys = ListWebAppHostKeys.Invoke(new ListWebAppHostKeysInvokeArgs { Name = app.Name, ResourceGroupName = _resourceGroup });
            var url = Output.Tuple(app.DefaultHostName, hostKeys).Apply(pair => Output.CreateSecret(WebPubSubHubDescription.EventHandlerUrl(
                pair.Item1,
                pair.Item2.SystemKeys?.GetValueOrDefault(WebPubSubHubDescription.ExtensionKeyName)
                    ?? throw new InvalidOperationException(
                        $"the app '{Names.FunctionApp}' has no '{WebPubSubHubDescription.ExtensionKeyName}' system key yet: deploy the app package " +
                        "(pulumi stack output deployAppPackage), open the server URL once so the app starts, then run pulumi up again"))));
            handlers.Add(new EventHandlerArgs
            {
                UrlTemplate = url,
                UserEventPattern = hub.UserEventPattern,
                SystemEvents = hub.SystemEvents.ToArray(),
            });
        }

        _ = new WebPubSubHub("hub", new WebPubSubHubArgs
        {
            ResourceName = webPubSub.Name,
            ResourceGroupName = _resourceGroup,
            HubName = hub.Name,
            Properties = new WebPubSubHubPropertiesArgs { AnonymousConnectPolicy = hub.AnonymousConnectPolicy, EventHandlers = handlers },
        });
    }

    private Dictionary<string, object?> Outputs(WebApp app, WebPubSubService webPubSub) => _deployment.Outputs.ToDictionary(
        output => output.Name,
        output => (object?)(output.Source switch
        {
            OutputSource.Literal => output.Literal,
            OutputSource.ServerUrl => app.DefaultHostName.Apply(host => $"https://{host}"),
            OutputSource.ApiBaseUrl => app.DefaultHostName.Apply(host => $"https://{host}/api/v1"),
            OutputSource.WebPubSubEndpoint => webPubSub.HostName.Apply(host => $"https://{host}"),
            OutputSource.DashboardUrl => app.DefaultHostName.Apply(host => $"https://{host}/api/dashboard/"),
            _ => throw new InvalidOperationException($"output {output.Name} comes from {output.Source}, which the Pulumi program does not map"),
        }));
}
