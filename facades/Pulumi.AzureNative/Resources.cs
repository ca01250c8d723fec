namespace Pulumi.AzureNative.Resources;

public class ResourceGroup : global::Pulumi.CustomResource
{
    public ResourceGroup(string name, ResourceGroupArgs? args = null, CustomResourceOptions? options = null)
        : base("azure-native:resources:ResourceGroup", name, args, options) => throw Facade.NotSupported();

    public Output<string> Location => throw Facade.NotSupported();

    public Output<string> Name => throw Facade.NotSupported();
}

public sealed class ResourceGroupArgs : global::Pulumi.ResourceArgs
{
    public Input<string>? Location { get; set; }

    public Input<string>? ResourceGroupName { get; set; }

    public InputMap<string> Tags { get; set; } = null!;
}
