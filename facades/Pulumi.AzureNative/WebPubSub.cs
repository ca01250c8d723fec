using Pulumi.AzureNative.WebPubSub.Inputs;

namespace Pulumi.AzureNative.WebPubSub
{
    public class WebPubSub : global::Pulumi.CustomResource
    {
        public WebPubSub(string name, WebPubSubArgs args, CustomResourceOptions? options = null)
            : base("azure-native:webpubsub:WebPubSub", name, args, options) => throw Facade.NotSupported();

        public Output<string> HostName => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class WebPubSubArgs : global::Pulumi.ResourceArgs
    {
        public Input<bool>? DisableLocalAuth { get; set; }

        public Input<string>? Location { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<string>? ResourceName { get; set; }

        public Input<ResourceSkuArgs>? Sku { get; set; }

        public InputMap<string> Tags { get; set; } = null!;
    }

    public class WebPubSubHub : global::Pulumi.CustomResource
    {
        public WebPubSubHub(string name, WebPubSubHubArgs args, CustomResourceOptions? options = null)
            : base("azure-native:webpubsub:WebPubSubHub", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class WebPubSubHubArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? HubName { get; set; }

        public Input<WebPubSubHubPropertiesArgs> Properties { get; set; } = null!;

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<string> ResourceName { get; set; } = null!;
    }

    public static class ListWebPubSubKeys
    {
        public static Output<ListWebPubSubKeysResult> Invoke(ListWebPubSubKeysInvokeArgs args, InvokeOptions? options = null) => throw Facade.NotSupported();
    }

    public sealed class ListWebPubSubKeysInvokeArgs : global::Pulumi.InvokeArgs
    {
        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<string> ResourceName { get; set; } = null!;
    }

    public sealed class ListWebPubSubKeysResult
    {
        private ListWebPubSubKeysResult() => throw Facade.NotSupported();

        public string? PrimaryConnectionString => throw Facade.NotSupported();

        public string? PrimaryKey => throw Facade.NotSupported();
    }
}

namespace Pulumi.AzureNative.WebPubSub.Inputs
{
    public sealed class ResourceSkuArgs : global::Pulumi.ResourceArgs
    {
        public Input<int>? Capacity { get; set; }

        public Input<string> Name { get; set; } = null!;
    }

    public sealed class WebPubSubHubPropertiesArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? AnonymousConnectPolicy { get; set; }

        public InputList<EventHandlerArgs> EventHandlers { get; set; } = null!;
    }

    public sealed class EventHandlerArgs : global::Pulumi.ResourceArgs
    {
        public InputList<string> SystemEvents { get; set; } = null!;

        public Input<string> UrlTemplate { get; set; } = null!;

        public Input<string>? UserEventPattern { get; set; }
    }
}
