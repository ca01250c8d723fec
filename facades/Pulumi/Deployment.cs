namespace Pulumi;

/// <summary>Facade: the real class runs the program against the Pulumi engine.</summary>
public sealed class Deployment
{
    private Deployment() => throw Facade.NotSupported();

    public static DeploymentInstance Instance => throw Facade.NotSupported();

    public static Task<int> RunAsync(Action action) => throw Facade.NotSupported();

    public static Task<int> RunAsync(Func<IDictionary<string, object?>> func) => throw Facade.NotSupported();

    public static Task<int> RunAsync(Func<Task> func) => throw Facade.NotSupported();

    public static Task<int> RunAsync(Func<Task<IDictionary<string, object?>>> func, StackOptions? options = null) => throw Facade.NotSupported();
}

/// <summary>Facade of the running deployment's metadata.</summary>
public sealed class DeploymentInstance
{
    private DeploymentInstance() => throw Facade.NotSupported();

    public string StackName => throw Facade.NotSupported();

    public string ProjectName => throw Facade.NotSupported();

    public bool IsDryRun => throw Facade.NotSupported();
}

/// <summary>Facade of the stack options.</summary>
public class StackOptions
{
}

/// <summary>Facade of the stack's configuration bag.</summary>
public sealed class Config
{
    public Config(string? name = null) => throw Facade.NotSupported();

    public string? Get(string key) => throw Facade.NotSupported();

    public Output<string>? GetSecret(string key) => throw Facade.NotSupported();

    public int? GetInt32(string key) => throw Facade.NotSupported();

    public bool? GetBoolean(string key) => throw Facade.NotSupported();

    public string Require(string key) => throw Facade.NotSupported();

    public Output<string> RequireSecret(string key) => throw Facade.NotSupported();
}

internal static class Facade
{
    public static NotSupportedException NotSupported() => new("Pulumi facade: compile-only, never executed");
}
