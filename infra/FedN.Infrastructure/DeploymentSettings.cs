using System.Globalization;
using System.Text.RegularExpressions;
using FedN.Security;

namespace FedN.Infrastructure;

/// <summary>
/// What the person deploying chooses (Pulumi config of project <c>fedn</c>), with the defaults a
/// first deployment wants. <see cref="Read"/> parses and checks every value before anything is
/// created and reports all problems at once. A class rather than a record: a record's generated
/// <c>ToString</c> would print <see cref="SigningKey"/>.
/// </summary>
public sealed partial class DeploymentSettings
{
    /// <summary>The configuration keys, as <c>pulumi config set fedn:&lt;key&gt;</c> takes them.</summary>
    public static class Keys
    {
        /// <summary>Azure region, for example <c>swedencentral</c>. Required.</summary>
        public const string Location = "location";

        /// <summary>Starts every resource name (2-10 lower-case letters and digits).</summary>
        public const string Prefix = "prefix";

        /// <summary>The API token signing key, base64 of at least 32 bytes. Required, set with <c>--secret</c>.</summary>
        public const string SigningKey = "signingKey";

        /// <summary>Storage account redundancy.</summary>
        public const string StorageSku = "storageSku";

        /// <summary>Provisioned Cosmos DB throughput (RU/s, shared by the containers); unset for serverless.</summary>
        public const string CosmosThroughput = "cosmosThroughput";

        /// <summary>Web PubSub tier.</summary>
        public const string WebPubSubSku = "webPubSubSku";

        /// <summary>Web PubSub units (each 1,000 connections and 1,000,000 messages a day on Standard).</summary>
        public const string WebPubSubUnits = "webPubSubUnits";

        /// <summary>Most Functions instances at once.</summary>
        public const string MaximumInstanceCount = "maximumInstanceCount";

        /// <summary>Memory of each Functions instance.</summary>
        public const string InstanceMemoryMB = "instanceMemoryMB";

        /// <summary>Days Log Analytics keeps logs.</summary>
        public const string LogRetentionDays = "logRetentionDays";

        /// <summary>Set once the app package is deployed: then the hub's event handler is wired with the app's extension key.</summary>
        public const string AppDeployed = "appDeployed";
    }

    /// <summary>Storage redundancy options (Flex Consumption's deployment storage works with each).</summary>
    public static IReadOnlyList<string> StorageSkus { get; } = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];

    /// <summary>Web PubSub tiers. Free_F1 allows 20 connections and 20,000 messages a day: enough for a trial only.</summary>
    public static IReadOnlyList<string> WebPubSubSkus { get; } = ["Free_F1", "Standard_S1", "Premium_P1"];

    /// <summary>Unit counts Web PubSub accepts on Standard and Premium.</summary>
    public static IReadOnlyList<int> WebPubSubUnitCounts { get; } = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

    /// <summary>Instance sizes Flex Consumption offers.</summary>
    public static IReadOnlyList<int> InstanceMemorySizes { get; } = [512, 2048, 4096];

    /// <summary>Azure region.</summary>
    public required string Location { get; init; }

    /// <summary>Starts every resource name.</summary>
    public string Prefix { get; init; } = "fedn";

    /// <summary>The Pulumi stack: part of the resource group's name and of the names' unique suffix, so stacks do not collide.</summary>
    public required string StackName { get; init; }

    /// <summary>The Azure subscription: part of the names' unique suffix (storage, Cosmos DB, Web PubSub and app names are global).</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>The key that signs API tokens (base64). Secret: only ever passed on as a secret app setting.</summary>
    public required string SigningKey { get; init; }

    /// <summary>Storage account redundancy.</summary>
    public string StorageSku { get; init; } = "Standard_LRS";

    /// <summary>Provisioned throughput in RU/s shared by FedN's containers; <see langword="null"/> for a serverless account.</summary>
    public int? CosmosThroughput { get; init; }

    /// <summary>Web PubSub tier. Standard by default: a client heartbeats every 10 s, about 8,640 messages a day, beyond the free tier's 20,000 a day for more than two clients.</summary>
    public string WebPubSubSku { get; init; } = "Standard_S1";

    /// <summary>Web PubSub units.</summary>
    public int WebPubSubUnits { get; init; } = 1;

    /// <summary>Most Functions instances at once (Flex Consumption: 40 to 1,000).</summary>
    public int MaximumInstanceCount { get; init; } = 40;

    /// <summary>Memory of each Functions instance in MB. 2,048 holds a combiner streaming a model of several hundred MB.</summary>
    public int InstanceMemoryMB { get; init; } = 2048;

    /// <summary>Days Log Analytics keeps logs (30 to 730).</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>Whether the app package is deployed, so the Web PubSub hub can be wired to the app's extension key.</summary>
    public bool AppDeployed { get; init; }

    /// <summary>
    /// Reads the settings through <paramref name="get"/> (Pulumi's <c>Config.Get</c>) and checks them.
    /// </summary>
    /// <exception cref="DeploymentSettingsException">Values are missing or invalid; the message lists each with what to set.</exception>
    public static DeploymentSettings Read(Func<string, string?> get, string stackName, string subscriptionId)
    {
        ArgumentNullException.ThrowIfNull(get);
        var problems = new List<string>();
        var defaults = new DeploymentSettings { Location = "", StackName = "", SubscriptionId = "", SigningKey = "" };
        var settings = new DeploymentSettings
        {
            Location = Text(Keys.Location) ?? Missing(Keys.Location, "the Azure region, for example: pulumi config set fedn:location swedencentral"),
            Prefix = Text(Keys.Prefix) ?? defaults.Prefix,
            StackName = stackName,
            SubscriptionId = subscriptionId,
            SigningKey = Text(Keys.SigningKey) ?? Missing(Keys.SigningKey, "the API token signing key: pulumi config set --secret fedn:signingKey \"$(openssl rand -base64 32)\""),
            StorageSku = Text(Keys.StorageSku) ?? defaults.StorageSku,
            CosmosThroughput = Number(Keys.CosmosThroughput),
            WebPubSubSku = Text(Keys.WebPubSubSku) ?? defaults.WebPubSubSku,
            WebPubSubUnits = Number(Keys.WebPubSubUnits) ?? defaults.WebPubSubUnits,
            MaximumInstanceCount = Number(Keys.MaximumInstanceCount) ?? defaults.MaximumInstanceCount,
            InstanceMemoryMB = Number(Keys.InstanceMemoryMB) ?? defaults.InstanceMemoryMB,
            LogRetentionDays = Number(Keys.LogRetentionDays) ?? defaults.LogRetentionDays,
            AppDeployed = Flag(Keys.AppDeployed),
        };
        problems.AddRange(settings.Problems());
        return problems.Count == 0 ? settings : throw new DeploymentSettingsException(problems);

        string? Text(string key) => get(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        string Missing(string key, string what)
        {
            problems.Add($"fedn:{key} is not set: {what}");
            return "";
        }

        int? Number(string key)
        {
            var text = Text(key);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            problems.Add($"fedn:{key} must be a whole number, not '{text}'");
            return null;
        }

        bool Flag(string key)
        {
            var text = Text(key);
            if (text is null)
            {
                return false;
            }

            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            problems.Add($"fedn:{key} must be true or false, not '{text}'");
            return false;
        }
    }

    /// <summary>What is wrong with these settings, one sentence each; empty when they can be deployed.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Location.Length > 0 && !RegionPattern().IsMatch(Location))
        {
            problems.Add($"fedn:location '{Location}' is not an Azure region name: lower-case letters and digits, for example swedencentral or westeurope (az account list-locations -o table)");
        }

        if (!PrefixPattern().IsMatch(Prefix))
        {
            problems.Add($"fedn:prefix '{Prefix}' must be 2-10 lower-case letters and digits, starting with a letter: it starts every resource name, including the storage account's, which Azure limits to 3-24 lower-case letters and digits");
        }

        if (!StackPattern().IsMatch(StackName))
        {
            problems.Add($"the stack name '{StackName}' must be 1-40 letters, digits, '-', '_' or '.': it is part of the resource group's name");
        }

        if (SigningKey.Length > 0)
        {
            try
            {
                AuthSigningKey.Parse(SigningKey);
            }
            catch (ArgumentException e)
            {
                problems.Add($"fedn:{Keys.SigningKey}: {e.Message}");
            }
        }

        Require(StorageSkus.Contains(StorageSku), Keys.StorageSku, StorageSku, string.Join(", ", StorageSkus));
        Require(CosmosThroughput is null || (CosmosThroughput is >= 400 and <= 1_000_000 && CosmosThroughput % 100 == 0), Keys.CosmosThroughput, CosmosThroughput, "400 to 1,000,000 RU/s in steps of 100, or unset for serverless");
        Require(WebPubSubSkus.Contains(WebPubSubSku), Keys.WebPubSubSku, WebPubSubSku, string.Join(", ", WebPubSubSkus));
        Require(WebPubSubSku == "Free_F1" ? WebPubSubUnits == 1 : WebPubSubUnitCounts.Contains(WebPubSubUnits), Keys.WebPubSubUnits, WebPubSubUnits, WebPubSubSku == "Free_F1" ? "1 on Free_F1" : "1-10, or 20 to 100 in steps of 10");
        Require(MaximumInstanceCount is >= 40 and <= 1000, Keys.MaximumInstanceCount, MaximumInstanceCount, "40 to 1,000 (Flex Consumption)");
        Require(InstanceMemorySizes.Contains(InstanceMemoryMB), Keys.InstanceMemoryMB, InstanceMemoryMB, string.Join(", ", InstanceMemorySizes) + " (Flex Consumption)");
        Require(LogRetentionDays is >= 30 and <= 730, Keys.LogRetentionDays, LogRetentionDays, "30 to 730");
        return problems;

        void Require(bool ok, string key, object? value, string allowed)
        {
            if (!ok)
            {
                problems.Add($"fedn:{key} '{value}' is not allowed: use {allowed}");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]{1,9}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[a-z][a-z0-9]{2,39}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,40}$")]
    private static partial Regex StackPattern();
}
