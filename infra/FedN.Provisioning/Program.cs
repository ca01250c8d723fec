using FedN.Infrastructure;
using FedN.Provisioning;
using Pulumi;
using Pulumi.AzureNative.Authorization;

// Everything is checked before the first resource is registered: a bad setting stops 'pulumi up' with nothing created.
return await Deployment.RunAsync(async () =>
{
    var client = await GetClientConfig.InvokeAsync();
    var settings = DeploymentSettings.Read(new Config("fedn").Get, Deployment.Instance.StackName, client.SubscriptionId);
    return AzureResources.Create(AzureDeployment.Describe(settings), client.SubscriptionId);
});
