namespace Pulumi;

/// <summary>Facade of the base of every resource.</summary>
public class Resource
{
    private protected Resource() => throw Facade.NotSupported();

    public Output<string> Urn => throw Facade.NotSupported();
}

/// <summary>Facade of a resource a provider manages; <see cref="Id"/> is its provider id (the Azure resource id).</summary>
public class CustomResource : Resource
{
    protected CustomResource(string type, string name, ResourceArgs? args, CustomResourceOptions? options = null) => throw Facade.NotSupported();

    public Output<string> Id => throw Facade.NotSupported();
}

/// <summary>Facade of the options of a custom resource.</summary>
public sealed class CustomResourceOptions
{
    public InputList<Resource> DependsOn { get; set; } = null!;

    public Resource? Parent { get; set; }

    public bool? Protect { get; set; }
}

/// <summary>Facade of the base of resource arguments.</summary>
public abstract class ResourceArgs
{
}

/// <summary>Facade of the base of invoke arguments.</summary>
public abstract class InvokeArgs
{
}

/// <summary>Facade of the options of an invoke.</summary>
public class InvokeOptions
{
}
