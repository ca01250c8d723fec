namespace FedN.Infrastructure;

/// <summary>The Functions app on Flex Consumption: runtime, scale, where its package lives, and its settings.</summary>
public sealed record FunctionAppDescription
{
    /// <summary>The isolated worker runtime.</summary>
    public string RuntimeName { get; init; } = "dotnet-isolated";

    /// <summary>The .NET version the app targets.</summary>
    public string RuntimeVersion { get; init; } = "10.0";

    /// <summary>Most instances at once.</summary>
    public required int MaximumInstanceCount { get; init; }

    /// <summary>Memory of each instance in MB.</summary>
    public required int InstanceMemoryMB { get; init; }

    /// <summary>The blob container the platform deploys the app package to and runs it from.</summary>
    public required string DeploymentContainer { get; init; }

    /// <summary>
    /// The path App Service's health check calls on every instance (the app's <c>healthz</c> function
    /// under host.json's route prefix): an instance that stops answering is taken out of rotation.
    /// </summary>
    public string HealthCheckPath { get; init; } = "/api/healthz";

    /// <summary>The app settings, in the order they are set.</summary>
    public required IReadOnlyList<AppSetting> Settings { get; init; }
}
