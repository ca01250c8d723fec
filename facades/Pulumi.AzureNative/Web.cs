using Pulumi.AzureNative.Web.Inputs;
using Pulumi.AzureNative.Web.Outputs;

namespace Pulumi.AzureNative.Web
{
    public class AppServicePlan : global::Pulumi.CustomResource
    {
        public AppServicePlan(string name, AppServicePlanArgs args, CustomResourceOptions? options = null)
            : base("azure-native:web:AppServicePlan", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class AppServicePlanArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? Kind { get; set; }

        public Input<string>? Location { get; set; }

        public Input<string>? Name { get; set; }

        public Input<bool>? Reserved { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<SkuDescriptionArgs>? Sku { get; set; }

        public InputMap<string> Tags { get; set; } = null!;
    }

    public class WebApp : global::Pulumi.CustomResource
    {
        public WebApp(string name, WebAppArgs args, CustomResourceOptions? options = null)
            : base("azure-native:web:WebApp", name, args, options) => throw Facade.NotSupported();

        public Output<string> DefaultHostName => throw Facade.NotSupported();

        public Output<ManagedServiceIdentityResponse?> Identity => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class WebAppArgs : global::Pulumi.ResourceArgs
    {
        public Input<FunctionAppConfigArgs>? FunctionAppConfig { get; set; }

        public Input<bool>? HttpsOnly { get; set; }

        public Input<ManagedServiceIdentityArgs>? Identity { get; set; }

        public Input<string>? Kind { get; set; }

        public Input<string>? Location { get; set; }

        public Input<string>? Name { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<string>? ServerFarmId { get; set; }

        public Input<SiteConfigArgs>? SiteConfig { get; set; }

        public InputMap<string> Tags { get; set; } = null!;
    }

    public static class ListWebAppHostKeys
    {
        public static Output<ListWebAppHostKeysResult> Invoke(ListWebAppHostKeysInvokeArgs args, InvokeOptions? options = null) => throw Facade.NotSupported();
    }

    public sealed class ListWebAppHostKeysInvokeArgs : global::Pulumi.InvokeArgs
    {
        public Input<string> Name { get; set; } = null!;

        public Input<string> ResourceGroupName { get; set; } = null!;
    }

    public sealed class ListWebAppHostKeysResult
    {
        private ListWebAppHostKeysResult() => throw Facade.NotSupported();

        public System.Collections.Immutable.ImmutableDictionary<string, string>? FunctionKeys => throw Facade.NotSupported();

        public string? MasterKey => throw Facade.NotSupported();

        public System.Collections.Immutable.ImmutableDictionary<string, string>? SystemKeys => throw Facade.NotSupported();
    }

    public readonly struct ManagedServiceIdentityType
    {
        public static ManagedServiceIdentityType SystemAssigned => throw Facade.NotSupported();
    }
}

namespace Pulumi.AzureNative.Web.Inputs
{
    public sealed class SkuDescriptionArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? Name { get; set; }

        public Input<string>? Tier { get; set; }
    }

    public sealed class ManagedServiceIdentityArgs : global::Pulumi.ResourceArgs
    {
        public Input<ManagedServiceIdentityType>? Type { get; set; }
    }

    public sealed class SiteConfigArgs : global::Pulumi.ResourceArgs
    {
        public InputList<NameValuePairArgs> AppSettings { get; set; } = null!;

        public InputUnion<string, FtpsState>? FtpsState { get; set; }

        public Input<string>? HealthCheckPath { get; set; }

        public InputUnion<string, SupportedTlsVersions>? MinTlsVersion { get; set; }
    }

    public sealed class NameValuePairArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? Name { get; set; }

        public Input<string>? Value { get; set; }
    }

    public sealed class FunctionAppConfigArgs : global::Pulumi.ResourceArgs
    {
        public Input<FunctionsDeploymentArgs>? Deployment { get; set; }

        public Input<FunctionsRuntimeArgs>? Runtime { get; set; }

        public Input<FunctionsScaleAndConcurrencyArgs>? ScaleAndConcurrency { get; set; }
    }

    public sealed class FunctionsDeploymentArgs : global::Pulumi.ResourceArgs
    {
        public Input<FunctionsDeploymentStorageArgs>? Storage { get; set; }
    }

    public sealed class FunctionsDeploymentStorageArgs : global::Pulumi.ResourceArgs
    {
        public Input<FunctionsDeploymentAuthenticationArgs>? Authentication { get; set; }

        public InputUnion<string, FunctionsDeploymentStorageType>? Type { get; set; }

        public Input<string>? Value { get; set; }
    }

    public sealed class FunctionsDeploymentAuthenticationArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? StorageAccountConnectionStringName { get; set; }

        public InputUnion<string, AuthenticationType>? Type { get; set; }

        public Input<string>? UserAssignedIdentityResourceId { get; set; }
    }

    public sealed class FunctionsRuntimeArgs : global::Pulumi.ResourceArgs
    {
        public InputUnion<string, RuntimeName>? Name { get; set; }

        public Input<string>? Version { get; set; }
    }

    public sealed class FunctionsScaleAndConcurrencyArgs : global::Pulumi.ResourceArgs
    {
        public Input<int>? InstanceMemoryMB { get; set; }

        public Input<int>? MaximumInstanceCount { get; set; }
    }
}

namespace Pulumi.AzureNative.Web.Outputs
{
    public sealed class ManagedServiceIdentityResponse
    {
        private ManagedServiceIdentityResponse() => throw Facade.NotSupported();

        public string PrincipalId => throw Facade.NotSupported();

        public string TenantId => throw Facade.NotSupported();
    }
}

namespace Pulumi.AzureNative.Web
{
    public readonly struct FtpsState
    {
    }

    public readonly struct SupportedTlsVersions
    {
    }

    public readonly struct FunctionsDeploymentStorageType
    {
    }

    public readonly struct AuthenticationType
    {
    }

    public readonly struct RuntimeName
    {
    }
}
