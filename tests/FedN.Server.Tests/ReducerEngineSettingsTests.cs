using FedN.Hosting;
using FedN.Server;
using Microsoft.Extensions.Configuration;

namespace FedN.Server.Tests;

/// <summary>Which engine runs the reducer, and how its task hub is configured (<c>FedN:Durable:*</c>).</summary>
public sealed class ReducerEngineSettingsTests
{
    private const string Azurite = "UseDevelopmentStorage=true";

    [Fact]
    public void Embedded_storage_keeps_the_local_runner_and_an_Azure_Storage_connection_string_selects_the_Durable_Task_Framework()
    {
        Assert.Equal(ReducerEngine.Local, Read([]).Engine);
        var azure = Read(new() { [StorageSettings.StorageConnectionStringKey] = Azurite });
        Assert.Equal(ReducerEngine.AzureStorage, azure.Engine);
        Assert.Equal(("FedN", 4, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)), (azure.AzureStorage.TaskHubName, azure.AzureStorage.PartitionCount, azure.AzureStorage.LeaseInterval, azure.AzureStorage.WorkItemQueueVisibilityTimeout));
        Assert.Equal(ReducerEngine.Local, Read(new() { [StorageSettings.StorageConnectionStringKey] = Azurite, ["FedN:Durable:Engine"] = "local" }).Engine);
    }

    [Fact]
    public void Settings_are_read_as_seconds_or_time_spans()
    {
        var settings = Read(new()
        {
            [StorageSettings.StorageConnectionStringKey] = Azurite,
            ["FedN:Durable:TaskHubName"] = "Hub2",
            ["FedN:Durable:PartitionCount"] = "2",
            ["FedN:Durable:LeaseInterval"] = "20",
            ["FedN:Durable:LeaseRenewInterval"] = "00:00:05",
            ["FedN:Durable:MaxQueuePollingInterval"] = "0.5",
        }).AzureStorage;

        Assert.Equal(("Hub2", 2, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500)),
            (settings.TaskHubName, settings.PartitionCount, settings.LeaseInterval, settings.LeaseRenewInterval, settings.MaxQueuePollingInterval));
    }

    [Fact]
    public void Every_broken_setting_is_named_at_once()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(new()
        {
            [StorageSettings.StorageConnectionStringKey] = Azurite,
            ["FedN:Durable:TaskHubName"] = "my-hub",
            ["FedN:Durable:PartitionCount"] = "40",
            ["FedN:Durable:LeaseInterval"] = "soon",
            ["FedN:Durable:LeaseRenewInterval"] = "30",
        }));

        Assert.Contains("TaskHubName 'my-hub' must be 3 to 45 letters and digits", error.Message, StringComparison.Ordinal);
        Assert.Contains("PartitionCount 40 must be between 1 and 16", error.Message, StringComparison.Ordinal);
        Assert.Contains("LeaseInterval 'soon' is not a duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("LeaseRenewInterval (00:00:30) must be positive and shorter than FedN:Durable:LeaseInterval", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("durable", null, "'durable' is not an engine")]
    [InlineData("azure-storage", null, "needs FedN:Storage:ConnectionString")]
    public void An_engine_that_cannot_run_is_refused(string engine, string? connectionString, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(new() { ["FedN:Durable:Engine"] = engine, [StorageSettings.StorageConnectionStringKey] = connectionString }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static ReducerEngineSettings Read(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return ReducerEngineSettings.FromConfiguration(configuration, StorageSettings.FromConfiguration(configuration));
    }
}

public sealed class LimitSettingsTests
{
    [Fact]
    public void Limits_are_read_from_FedN_Limits_and_every_bad_value_is_named()
    {
        var limits = FedN.Hosting.LimitSettings.ReportLimits(Configuration(("MaxExamplesPerReport", "5000"), ("MaxMetricMagnitude", "1e6")));
        Assert.Equal(5000, limits.MaxExamples);
        Assert.Equal(1e6, limits.MaxMetricMagnitude);
        Assert.Equal(32, limits.MaxMetrics);

        var error = Assert.Throws<ArgumentException>(() => FedN.Hosting.LimitSettings.ReportLimits(Configuration(("MaxExamplesPerReport", "lots"), ("MaxMetricsPerReport", "2.5"))));
        Assert.Contains("FedN:Limits:MaxExamplesPerReport 'lots' is not a whole number", error.Message, StringComparison.Ordinal);
        Assert.Contains("FedN:Limits:MaxMetricsPerReport '2.5' is not a whole number", error.Message, StringComparison.Ordinal);

        error = Assert.Throws<ArgumentException>(() => FedN.Hosting.LimitSettings.ReportLimits(Configuration(("MaxExamplesPerReport", "0"))));
        Assert.Contains("FedN:Limits: the most examples per report (0) must be between 1 and 10^12", error.Message, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Configuration.IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create($"FedN:Limits:{v.Key}", (string?)v.Value))).Build();
}
