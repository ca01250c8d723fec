using FedN.Infrastructure;

namespace FedN.Infrastructure.Tests;

/// <summary>Pulumi config is read with defaults and checked before anything is created, every problem at once.</summary>
public sealed class DeploymentSettingsTests
{
    [Fact]
    public void A_location_and_a_signing_key_are_enough_and_the_defaults_suit_a_first_federation()
    {
        var settings = Deployments.Read(Deployments.MinimalConfig());

        Assert.Equal("fedn", settings.Prefix);
        Assert.Null(settings.CosmosThroughput);
        Assert.Equal("Standard_S1", settings.WebPubSubSku);
        Assert.Equal(1, settings.WebPubSubUnits);
        Assert.Equal(2048, settings.InstanceMemoryMB);
        Assert.Equal(40, settings.MaximumInstanceCount);
        Assert.False(settings.AppDeployed);
        Assert.Empty(settings.Problems());
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_the_key_and_what_to_set()
    {
        var config = new Dictionary<string, string?>
        {
            [DeploymentSettings.Keys.Prefix] = "FedN-Prod",
            [DeploymentSettings.Keys.SigningKey] = Convert.ToBase64String(new byte[16]),
            [DeploymentSettings.Keys.CosmosThroughput] = "450",
            [DeploymentSettings.Keys.WebPubSubSku] = "Standard_S2",
            [DeploymentSettings.Keys.MaximumInstanceCount] = "many",
            [DeploymentSettings.Keys.InstanceMemoryMB] = "1024",
            [DeploymentSettings.Keys.AppDeployed] = "yes",
        };

        var error = Assert.Throws<DeploymentSettingsException>(() => Deployments.Read(config, stack: "dev/eu"));

        Assert.Collection(
            error.Problems.Order(StringComparer.Ordinal),
            p => Assert.StartsWith("fedn:appDeployed must be true or false, not 'yes'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("fedn:cosmosThroughput '450' is not allowed: use 400 to 1,000,000 RU/s in steps of 100", p, StringComparison.Ordinal),
            p => Assert.StartsWith("fedn:instanceMemoryMB '1024' is not allowed: use 512, 2048, 4096", p, StringComparison.Ordinal),
            p => Assert.StartsWith("fedn:location is not set", p, StringComparison.Ordinal),
            p => Assert.StartsWith("fedn:maximumInstanceCount must be a whole number, not 'many'", p, StringComparison.Ordinal),
            p => Assert.Contains("storage account's, which Azure limits to 3-24 lower-case letters and digits", p, StringComparison.Ordinal),
            p => Assert.Contains("it needs at least 32", p, StringComparison.Ordinal),
            p => Assert.StartsWith("fedn:webPubSubSku 'Standard_S2' is not allowed", p, StringComparison.Ordinal),
            p => Assert.StartsWith("the stack name 'dev/eu'", p, StringComparison.Ordinal));
        Assert.Contains("before anything is created", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DeploymentSettings.Keys.Location, "West Europe", "is not an Azure region name")]
    [InlineData(DeploymentSettings.Keys.SigningKey, "not base64!", "is not base64")]
    [InlineData(DeploymentSettings.Keys.WebPubSubUnits, "15", "1-10, or 20 to 100 in steps of 10")]
    [InlineData(DeploymentSettings.Keys.StorageSku, "Premium_LRS", "Standard_LRS, Standard_ZRS")]
    [InlineData(DeploymentSettings.Keys.LogRetentionDays, "7", "30 to 730")]
    [InlineData(DeploymentSettings.Keys.Prefix, "a", "must be 2-10 lower-case letters")]
    [InlineData(DeploymentSettings.Keys.Prefix, "federation1", "must be 2-10 lower-case letters")]
    public void A_bad_value_is_refused_with_what_is_allowed(string key, string value, string expected)
    {
        var config = Deployments.MinimalConfig();
        config[key] = value;

        var error = Assert.Throws<DeploymentSettingsException>(() => Deployments.Read(config));

        Assert.Contains(expected, Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_free_Web_PubSub_tier_takes_one_unit_only()
    {
        var config = Deployments.MinimalConfig();
        config[DeploymentSettings.Keys.WebPubSubSku] = "Free_F1";
        config[DeploymentSettings.Keys.WebPubSubUnits] = "2";

        var error = Assert.Throws<DeploymentSettingsException>(() => Deployments.Read(config));

        Assert.Contains("1 on Free_F1", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_signing_key_never_appears_in_the_settings_text_or_an_error()
    {
        var settings = Deployments.Read(Deployments.MinimalConfig());
        var config = Deployments.MinimalConfig();
        config[DeploymentSettings.Keys.Prefix] = "-";

        var error = Assert.Throws<DeploymentSettingsException>(() => Deployments.Read(config));

        Assert.DoesNotContain(Deployments.SigningKey, settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Deployments.SigningKey, error.Message, StringComparison.Ordinal);
    }
}
