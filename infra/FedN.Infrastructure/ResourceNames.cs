using System.Security.Cryptography;
using System.Text;

namespace FedN.Infrastructure;

/// <summary>
/// The name of every resource. Storage, Cosmos DB, Web PubSub and the app are DNS names, unique
/// across Azure, so each ends in a suffix hashed from the subscription, stack and prefix (as
/// Bicep's <c>uniqueString</c> does): the same stack always gets the same names, and another
/// subscription or stack gets different ones.
/// </summary>
public sealed record ResourceNames
{
    /// <summary>Letters of the unique suffix.</summary>
    public const int SuffixLength = 6;

    /// <summary>The resource group.</summary>
    public required string ResourceGroup { get; init; }

    /// <summary>The storage account (Functions host, Durable task hub, FedN's blobs and queues, the app package).</summary>
    public required string StorageAccount { get; init; }

    /// <summary>The Cosmos DB account.</summary>
    public required string CosmosAccount { get; init; }

    /// <summary>The Web PubSub service.</summary>
    public required string WebPubSub { get; init; }

    /// <summary>The Flex Consumption plan.</summary>
    public required string AppServicePlan { get; init; }

    /// <summary>The Functions app; its host name is <c>&lt;name&gt;.azurewebsites.net</c>.</summary>
    public required string FunctionApp { get; init; }

    /// <summary>The Log Analytics workspace behind Application Insights.</summary>
    public required string LogAnalyticsWorkspace { get; init; }

    /// <summary>Application Insights.</summary>
    public required string ApplicationInsights { get; init; }

    /// <summary>Names for valid settings (<see cref="DeploymentSettings.Problems"/> is empty).</summary>
    public static ResourceNames For(DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var prefix = settings.Prefix;
        var suffix = UniqueSuffix($"{settings.SubscriptionId}/{settings.StackName}/{prefix}");
        return new ResourceNames
        {
            ResourceGroup = $"rg-{prefix}-{settings.StackName}",
            StorageAccount = $"{prefix}st{suffix}",
            CosmosAccount = $"{prefix}-cosmos-{suffix}",
            WebPubSub = $"{prefix}-wps-{suffix}",
            AppServicePlan = $"{prefix}-plan-{suffix}",
            FunctionApp = $"{prefix}-func-{suffix}",
            LogAnalyticsWorkspace = $"{prefix}-logs-{suffix}",
            ApplicationInsights = $"{prefix}-ai-{suffix}",
        };
    }

    /// <summary>Lower-case letters and digits, stable for the same input.</summary>
    public static string UniqueSuffix(string seed)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var suffix = new char[SuffixLength];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = Alphabet[hash[i] % Alphabet.Length];
        }

        return new string(suffix);
    }
}
