using Pulumi.AzureNative.Storage.Inputs;
using Pulumi.AzureNative.Storage.Outputs;

namespace Pulumi.AzureNative.Storage
{
    public class StorageAccount : global::Pulumi.CustomResource
    {
        public StorageAccount(string name, StorageAccountArgs args, CustomResourceOptions? options = null)
            : base("azure-native:storage:StorageAccount", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();

        public Output<EndpointsResponse> PrimaryEndpoints => throw Facade.NotSupported();
    }

    public sealed class StorageAccountArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? AccountName { get; set; }

        public Input<bool>? AllowBlobPublicAccess { get; set; }

        public Input<bool>? AllowSharedKeyAccess { get; set; }

        public Input<bool>? EnableHttpsTrafficOnly { get; set; }

        public InputUnion<string, Kind> Kind { get; set; } = null!;

        public Input<string>? Location { get; set; }

        public InputUnion<string, MinimumTlsVersion>? MinimumTlsVersion { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<SkuArgs> Sku { get; set; } = null!;

        public InputMap<string> Tags { get; set; } = null!;
    }

    public class BlobContainer : global::Pulumi.CustomResource
    {
        public BlobContainer(string name, BlobContainerArgs args, CustomResourceOptions? options = null)
            : base("azure-native:storage:BlobContainer", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class BlobContainerArgs : global::Pulumi.ResourceArgs
    {
        public Input<string> AccountName { get; set; } = null!;

        public Input<string>? ContainerName { get; set; }

        public Input<PublicAccess>? PublicAccess { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;
    }

    public readonly struct Kind
    {
        public static Kind StorageV2 => throw Facade.NotSupported();
    }

    public readonly struct MinimumTlsVersion
    {
        public static MinimumTlsVersion TLS1_2 => throw Facade.NotSupported();
    }

    public readonly struct SkuName
    {
        public static SkuName Standard_LRS => throw Facade.NotSupported();
    }

    public readonly struct PublicAccess
    {
        public static PublicAccess None => throw Facade.NotSupported();
    }
}

namespace Pulumi.AzureNative.Storage.Inputs
{
    public sealed class SkuArgs : global::Pulumi.ResourceArgs
    {
        public InputUnion<string, SkuName> Name { get; set; } = null!;
    }
}

namespace Pulumi.AzureNative.Storage.Outputs
{
    public sealed class EndpointsResponse
    {
        private EndpointsResponse() => throw Facade.NotSupported();

        public string Blob => throw Facade.NotSupported();

        public string Queue => throw Facade.NotSupported();

        public string Table => throw Facade.NotSupported();
    }
}
