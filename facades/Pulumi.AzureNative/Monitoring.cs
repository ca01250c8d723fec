using Pulumi.AzureNative.OperationalInsights.Inputs;

namespace Pulumi.AzureNative.OperationalInsights
{
    public class Workspace : global::Pulumi.CustomResource
    {
        public Workspace(string name, WorkspaceArgs args, CustomResourceOptions? options = null)
            : base("azure-native:operationalinsights:Workspace", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class WorkspaceArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? Location { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<int>? RetentionInDays { get; set; }

        public Input<WorkspaceSkuArgs>? Sku { get; set; }

        public InputMap<string> Tags { get; set; } = null!;

        public Input<string>? WorkspaceName { get; set; }
    }

    public readonly struct WorkspaceSkuNameEnum
    {
        public static WorkspaceSkuNameEnum PerGB2018 => throw Facade.NotSupported();
    }
}

namespace Pulumi.AzureNative.OperationalInsights.Inputs
{
    public sealed class WorkspaceSkuArgs : global::Pulumi.ResourceArgs
    {
        public InputUnion<string, WorkspaceSkuNameEnum> Name { get; set; } = null!;
    }
}

namespace Pulumi.AzureNative.ApplicationInsights
{
    public class Component : global::Pulumi.CustomResource
    {
        public Component(string name, ComponentArgs args, CustomResourceOptions? options = null)
            : base("azure-native:applicationinsights:Component", name, args, options) => throw Facade.NotSupported();

        public Output<string> ConnectionString => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class ComponentArgs : global::Pulumi.ResourceArgs
    {
        public InputUnion<string, ApplicationType> ApplicationType { get; set; } = null!;

        public Input<string> Kind { get; set; } = null!;

        public Input<string>? Location { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<string>? ResourceName { get; set; }

        public InputMap<string> Tags { get; set; } = null!;

        public Input<string>? WorkspaceResourceId { get; set; }
    }

    public readonly struct ApplicationType
    {
        public static ApplicationType Web => throw Facade.NotSupported();
    }
}
