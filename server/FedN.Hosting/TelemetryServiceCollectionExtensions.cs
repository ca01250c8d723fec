using Azure.Monitor.OpenTelemetry.Exporter;
using FedN.Channel;
using FedN.Reducer.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FedN.Hosting;

/// <summary>Turns on OpenTelemetry for a host as its <see cref="TelemetrySettings"/> say, and only then.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Collects the reducer's spans and metrics (<see cref="ReducerTelemetry"/>), any
    /// <paramref name="sources"/> the host adds (a host that runs clients adds the SDK's), ASP.NET
    /// Core's and HttpClient's spans and the runtime's metrics, and exports them where configured.
    /// Returns the builder so a host can add its own (the Functions worker's defaults).
    /// </summary>
    public static OpenTelemetryBuilder? AddFedNTelemetry(this IServiceCollection services, TelemetrySettings settings, string serviceName, params string[] sources)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return null;
        }

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource([ReducerTelemetry.Name, .. sources])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (settings.OtlpEndpoint is { } otlp)
                {
                    tracing.AddOtlpExporter(exporter => Otlp(exporter, otlp, "v1/traces"));
                }

                if (settings.Console)
                {
                    tracing.AddConsoleExporter();
                }

                if (settings.AzureMonitorConnectionString is { } monitor)
                {
                    tracing.AddAzureMonitorTraceExporter(exporter => exporter.ConnectionString = monitor);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([ReducerTelemetry.Name, ChannelTelemetry.Name, .. sources])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (settings.OtlpEndpoint is { } otlp)
                {
                    metrics.AddOtlpExporter(exporter => Otlp(exporter, otlp, "v1/metrics"));
                }

                if (settings.Console)
                {
                    metrics.AddConsoleExporter();
                }

                if (settings.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.AzureMonitorConnectionString is { } monitor)
                {
                    metrics.AddAzureMonitorMetricExporter(exporter => exporter.ConnectionString = monitor);
                }
            });
        return builder;
    }

    private static void Otlp(OtlpExporterOptions exporter, Uri collector, string signal)
    {
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = new Uri(collector, signal);
    }
}
