namespace Pulumi.AzureNative;

internal static class Facade
{
    public static NotSupportedException NotSupported() => new("Pulumi.AzureNative facade: compile-only, never executed");
}
