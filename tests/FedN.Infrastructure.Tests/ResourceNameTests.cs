using System.Text.RegularExpressions;
using FedN.Infrastructure;

namespace FedN.Infrastructure.Tests;

/// <summary>
/// Every name is valid for its service, whatever valid prefix and stack a user picks. The rules
/// are Azure's ("Naming rules and restrictions for Azure resources"), written here independently
/// of the code that builds the names.
/// </summary>
public sealed partial class ResourceNameTests
{
    public static TheoryData<string, string> Choices() => new()
    {
        { "fedn", "dev" },
        { "ab", "x" },
        { "federation", new string('s', 40) },
        { "z9z9z9z9z9", "Prod_EU-2.blue" },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void Every_name_follows_its_services_rules(string prefix, string stack)
    {
        var config = Deployments.MinimalConfig();
        config[DeploymentSettings.Keys.Prefix] = prefix;
        var names = ResourceNames.For(Deployments.Read(config, stack));

        Assert.Matches(ResourceGroupRule(), names.ResourceGroup);
        Assert.False(names.ResourceGroup.EndsWith('.'));
        Assert.Matches(StorageAccountRule(), names.StorageAccount);
        Assert.Matches(CosmosAccountRule(), names.CosmosAccount);
        Assert.Matches(WebPubSubRule(), names.WebPubSub);
        Assert.Matches(FunctionAppRule(), names.FunctionApp);
        Assert.Matches(AppServicePlanRule(), names.AppServicePlan);
        Assert.Matches(WorkspaceRule(), names.LogAnalyticsWorkspace);
        Assert.Matches(ApplicationInsightsRule(), names.ApplicationInsights);
        Assert.All([names.StorageAccount, names.CosmosAccount, names.WebPubSub, names.FunctionApp], name => Assert.StartsWith(prefix, name, StringComparison.Ordinal));
    }

    [Fact]
    public void Names_are_stable_for_a_stack_and_differ_between_stacks_and_subscriptions()
    {
        var config = Deployments.MinimalConfig();
        var dev = ResourceNames.For(Deployments.Read(config, "dev"));

        Assert.Equal(dev, ResourceNames.For(Deployments.Read(config, "dev")));
        Assert.NotEqual(dev.StorageAccount, ResourceNames.For(Deployments.Read(config, "prod")).StorageAccount);
        Assert.NotEqual(dev.FunctionApp, ResourceNames.For(Deployments.Read(config, "dev", subscription: "99999999-1111-2222-3333-444444444444")).FunctionApp);
    }

    // 1-90: letters, digits, underscores, hyphens, periods, parentheses; not ending in a period.
    [GeneratedRegex(@"^[\w\-.()]{1,90}$")]
    private static partial Regex ResourceGroupRule();

    // 3-24 lower-case letters and digits, globally unique.
    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex StorageAccountRule();

    // 3-44 lower-case letters, digits and hyphens; starts and ends with a letter or digit.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$")]
    private static partial Regex CosmosAccountRule();

    // 3-63 letters, digits and hyphens; starts with a letter, ends with a letter or digit.
    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$")]
    private static partial Regex WebPubSubRule();

    // 2-60 letters, digits and hyphens (a DNS label under azurewebsites.net); no hyphen at either end.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$")]
    private static partial Regex FunctionAppRule();

    // 1-60 letters, digits and hyphens.
    [GeneratedRegex("^[a-zA-Z0-9-]{1,60}$")]
    private static partial Regex AppServicePlanRule();

    // 4-63 letters, digits and hyphens; starts and ends with a letter or digit.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$")]
    private static partial Regex WorkspaceRule();

    // 1-255, none of %&\?/ and no trailing space or period.
    [GeneratedRegex(@"^[^%&\\?/]{0,254}[^%&\\?/ .]$")]
    private static partial Regex ApplicationInsightsRule();
}
