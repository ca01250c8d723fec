using Microsoft.Extensions.Configuration;

namespace FedN.Hosting;

/// <summary>
/// Where a host sends its traces and metrics (<c>FedN:Telemetry:*</c>, the same keys locally and as
/// Functions app settings). Nothing is collected or exported unless one is set.
/// </summary>
/// <param name="OtlpEndpoint">An OpenTelemetry collector (OTLP over HTTP/protobuf, for example <c>http://localhost:4318</c>).</param>
/// <param name="Console">Write spans and metrics to standard output.</param>
/// <param name="Prometheus">Serve metrics at <c>/metrics</c> for a Prometheus scrape (the local server).</param>
/// <param name="AzureMonitorConnectionString">Application Insights' connection string (or <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>).</param>
public sealed record TelemetrySettings(Uri? OtlpEndpoint = null, bool Console = false, bool Prometheus = false, string? AzureMonitorConnectionString = null)
{
    /// <summary>The configuration section.</summary>
    public const string Section = "FedN:Telemetry";

    /// <summary>Application Insights' own setting, which Azure sets when a Functions app is linked to it.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Whether anything is exported.</summary>
    public bool Enabled => OtlpEndpoint is not null || Console || Prometheus || AzureMonitorConnectionString is not null;

    /// <summary>Reads the settings; every problem is named in one message.</summary>
    /// <exception cref="ArgumentException">A value cannot be used.</exception>
    public static TelemetrySettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new SettingValues(configuration, Section);
        var settings = new TelemetrySettings(
            values.HttpUri("OtlpEndpoint"),
            values.Flag("Console", fallback: false),
            values.Flag("Prometheus", fallback: false),
            values["AzureMonitorConnectionString"] ?? (configuration[ApplicationInsightsSetting] is { Length: > 0 } linked ? linked : null));
        values.ThrowIfAny();
        return settings;
    }
}
