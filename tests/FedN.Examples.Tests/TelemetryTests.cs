using System.Diagnostics;
using FedN.Client;
using FedN.Contracts.Federation;
using FedN.Examples.Mnist;
using FedN.Reducer.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FedN.Examples.Tests;

/// <summary>
/// The traces and metrics of a real session: MNIST clients over WebSockets, a local server, two
/// rounds on two combiners, exported in memory by the OpenTelemetry SDK as any exporter would see them.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_session_gives_one_trace_per_round_with_every_step_and_client_under_its_root_and_metrics_that_match_the_round_records()
    {
        List<Activity> spans = [];
        List<Metric> metrics = [];
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ReducerTelemetry.Name, ClientTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(ReducerTelemetry.Name, Channel.ChannelTelemetry.Name).AddInMemoryExporter(metrics).Build();

        var summary = await MnistDemo.RunAsync(new MnistDemoOptions { DataPath = MnistDataset.DefaultPath, Clients = 3, Rounds = 2, Shards = 2, Seed = 4 });
        Assert.True(summary.Status == SessionStatus.Completed, summary.Message);
        tracing.ForceFlush();
        metering.ForceFlush();

        // Other tests of this assembly run sessions at the same time: only this session's traces count.
        var roots = spans.Where(span => span.OperationName == "fedn.round" && span.GetTagItem(ReducerTelemetry.Attributes.Session) as string == summary.SessionId)
            .OrderBy(span => span.GetTagItem(ReducerTelemetry.Attributes.Round)).ToList();
        Assert.Equal([1, 2], roots.Select(root => (int)root.GetTagItem(ReducerTelemetry.Attributes.Round)!));
        var traced = spans.Where(span => roots.Any(root => root.TraceId == span.TraceId)).ToList();
        Assert.Equal(traced.Count, traced.Select(span => span.SpanId).Distinct().Count());
        foreach (var root in roots)
        {
            Assert.Equal(default, root.ParentSpanId);
            Assert.Equal("committed", root.GetTagItem(ReducerTelemetry.Attributes.Status));
            var children = traced.Where(span => span.TraceId == root.TraceId && span != root).ToList();
            // Every span of the trace hangs from the root, directly or through another of its spans.
            Assert.All(children, child => Assert.True(child.ParentSpanId == root.SpanId || children.Any(span => span.SpanId == child.ParentSpanId), $"{child.OperationName} has no parent in the trace"));
            var steps = children.Where(span => span.ParentSpanId == root.SpanId).GroupBy(span => span.OperationName).ToDictionary(group => group.Key, group => group.Count());
            Assert.Equal(1, steps["fedn.round.plan"]);
            Assert.Equal(2, steps["fedn.round.dispatch"]); // training, then validation
            Assert.Equal(2, steps["fedn.round.combine"]); // one per shard
            Assert.Equal(1, steps["fedn.round.reduce"]);
            Assert.Equal(1, steps["fedn.round.validate"]);
            Assert.Equal(1, steps["fedn.round.commit"]);
            Assert.Equal(3, steps["fedn.update"]); // each client's report at the intake
            Assert.Equal(6, steps["fedn.client.task"]); // each client trains and validates, in the round's trace
            Assert.Equal([0, 1], children.Where(span => span.OperationName == "fedn.round.combine").Select(span => (int)span.GetTagItem(ReducerTelemetry.Attributes.Shard)!).Order());
            Assert.Equal(3, children.Where(span => span.OperationName == "fedn.round.combine").SelectMany(span => span.Events).Count(e => e.Name == "update.aggregated"));
            Assert.All(children.Where(span => span.OperationName == "fedn.client.task"), task =>
                Assert.Contains(children, span => span.ParentSpanId == task.SpanId && span.OperationName == "fedn.client.download"));
            Assert.Equal(3, children.Count(span => span.OperationName == "fedn.client.upload"));
            Assert.InRange(root.StartTimeUtc, children.Min(span => span.StartTimeUtc).AddSeconds(-1), children.Min(span => span.StartTimeUtc));
        }

        // Tokens stay out of every attribute.
        Assert.All(traced.SelectMany(span => span.Tags), tag => Assert.DoesNotContain("eyJ", tag.Value ?? "", StringComparison.Ordinal));

        // The counters add up to what the rounds recorded.
        long Sum(string name, string? direction = null) => metrics.Where(metric => metric.Name == name).SelectMany(Points)
            .Where(point => Tag(point, ReducerTelemetry.Attributes.Session) == summary.SessionId && (direction is null || Tag(point, ReducerTelemetry.Attributes.Direction) == direction))
            .Sum(point => point.GetSumLong());
        Assert.Equal(summary.Rounds.Sum(round => round.Clients), Sum("fedn.updates.aggregated"));
        Assert.Equal(6, Sum("fedn.updates.received"));
        Assert.Equal(summary.Traffic!.BytesDown, Sum("fedn.round.traffic", "down"));
        Assert.Equal(summary.Traffic.BytesUp, Sum("fedn.round.traffic", "up"));
        Assert.Equal(summary.Traffic.BytesUp, Sum("fedn.aggregation.bytes"));
        Assert.Equal(2, Sum("fedn.round.attempts"));
        Assert.Contains(metrics, metric => metric.Name == "fedn.clients.connected" && metric.MetricType == MetricType.LongSumNonMonotonic);
    }

    private static List<MetricPoint> Points(Metric metric)
    {
        List<MetricPoint> points = [];
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
