using FedN.Contracts.Messaging;
using Microsoft.Extensions.Configuration;

namespace FedN.Hosting;

/// <summary>
/// The limits a deployment holds clients to (<c>FedN:Limits:*</c>), the same keys locally and as
/// Functions app settings. Every limit has a default; docs/security.md lists them.
/// </summary>
public static class LimitSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "FedN:Limits";

    /// <summary>Reads the bounds on clients' reports; every problem is named in one message.</summary>
    /// <exception cref="ArgumentException">A value cannot be used.</exception>
    public static ReportLimits ReportLimits(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new SettingValues(configuration, Section);
        var defaults = Contracts.Messaging.ReportLimits.Default;
        var limits = new ReportLimits
        {
            MaxExamples = values.WholeNumber("MaxExamplesPerReport", defaults.MaxExamples),
            MaxMetrics = values.WholeNumber("MaxMetricsPerReport", defaults.MaxMetrics),
            MaxMetricNameLength = values.WholeNumber("MaxMetricNameLength", defaults.MaxMetricNameLength),
            MaxMetricMagnitude = values.Number("MaxMetricMagnitude", defaults.MaxMetricMagnitude),
        };
        values.ThrowIfAny();
        try
        {
            limits.Check();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{Section}: {e.Message}", e);
        }

        return limits;
    }
}
