using FedN.Contracts.Federation;

namespace FedN.Reducer.Activities;

/// <summary>
/// Waits until every client asked has validated the new model, or the deadline, and returns the
/// example-weighted means of their metrics. Validations arrive through the client-event handler as
/// records, not as orchestration events, so a round of thousands of clients adds one step.
/// </summary>
internal sealed class CollectValidationsActivity(ReducerStores stores, ReducerOptions options)
{
    public async Task<ValidationSummary> RunAsync(CollectValidationsRequest request, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        while (true)
        {
            var reports = await ReadAsync(request, cancellationToken);
            var remaining = request.Deadline - time.GetUtcNow();
            if (reports.Count >= request.Expected || remaining <= TimeSpan.Zero)
            {
                // A failed validation counts as the client's answer but has no figures; neither has a
                // record stored before the limits were checked at the intake.
                return Summarize([.. reports.Where(report => report.Failure is null && options.ReportLimits.FindProblem(report.NumExamples, report.Metrics) is null)]);
            }

            await Task.Delay(remaining < options.IntakePollInterval ? remaining : options.IntakePollInterval, time, cancellationToken);
        }
    }

    private async Task<List<ValidationRecord>> ReadAsync(CollectValidationsRequest request, CancellationToken cancellationToken)
    {
        List<ValidationRecord> reports = [];
        await foreach (var report in stores.Metadata.Validations.ListAllAsync(request.SessionId, request.Round, cancellationToken: cancellationToken))
        {
            if (report.Value.ModelId == request.ModelId)
            {
                reports.Add(report.Value);
            }
        }

        return reports;
    }

    internal static ValidationSummary Summarize(IReadOnlyList<ValidationRecord> reports)
    {
        // In float64: a sum of example counts cannot overflow, whatever was stored.
        var examples = reports.Sum(report => (double)report.NumExamples);
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            ExampleWeightedMetrics.AddTo(sums, report.Metrics, report.NumExamples);
        }

        return new ValidationSummary(reports.Count, (long)Math.Min(examples, long.MaxValue), ExampleWeightedMetrics.Means(sums, examples));
    }
}
