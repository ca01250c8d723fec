using System.Security.Cryptography;
using FedN.Infrastructure;

namespace FedN.Infrastructure.Tests;

/// <summary>Settings and descriptions as a first deployment makes them.</summary>
internal static class Deployments
{
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static Dictionary<string, string?> MinimalConfig() => new()
    {
        [DeploymentSettings.Keys.Location] = "swedencentral",
        [DeploymentSettings.Keys.SigningKey] = SigningKey,
    };

    public static DeploymentSettings Read(Dictionary<string, string?> config, string stack = "dev", string subscription = "00000000-1111-2222-3333-444444444444") =>
        DeploymentSettings.Read(key => config.GetValueOrDefault(key), stack, subscription);

    public static AzureDeployment Describe(Action<Dictionary<string, string?>>? change = null)
    {
        var config = MinimalConfig();
        change?.Invoke(config);
        return AzureDeployment.Describe(Read(config));
    }
}
