namespace Pulumi.AzureNative.Authorization;

public static class GetClientConfig
{
    public static Task<GetClientConfigResult> InvokeAsync(InvokeOptions? options = null) => throw Facade.NotSupported();
}

public sealed class GetClientConfigResult
{
    private GetClientConfigResult() => throw Facade.NotSupported();

    public string ClientId => throw Facade.NotSupported();

    public string ObjectId => throw Facade.NotSupported();

    public string SubscriptionId => throw Facade.NotSupported();

    public string TenantId => throw Facade.NotSupported();
}

public class RoleAssignment : global::Pulumi.CustomResource
{
    public RoleAssignment(string name, RoleAssignmentArgs args, CustomResourceOptions? options = null)
        : base("azure-native:authorization:RoleAssignment", name, args, options) => throw Facade.NotSupported();

    public Output<string> Name => throw Facade.NotSupported();
}

public sealed class RoleAssignmentArgs : global::Pulumi.ResourceArgs
{
    public Input<string> PrincipalId { get; set; } = null!;

    public InputUnion<string, PrincipalType>? PrincipalType { get; set; }

    public Input<string>? RoleAssignmentName { get; set; }

    public Input<string> RoleDefinitionId { get; set; } = null!;

    public Input<string> Scope { get; set; } = null!;
}

public readonly struct PrincipalType
{
    public static PrincipalType ServicePrincipal => throw Facade.NotSupported();

    public static PrincipalType User => throw Facade.NotSupported();

    public static PrincipalType Group => throw Facade.NotSupported();
}
