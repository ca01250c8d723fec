using System.Diagnostics;
using FedN.Orchestration;

namespace FedN.Reducer.Telemetry;

/// <summary>
/// Wraps a round step's activity in its span (<c>fedn.round.{step}</c>, a child of the attempt's root)
/// and records its duration, whichever engine runs it. An activity that throws leaves an error span
/// with the exception's type and message; it is retried as a new span, which is what happened.
/// </summary>
internal static class TracedStep
{
    /// <summary>Adds round step <paramref name="step"/>'s activity, wrapped in its span.</summary>
    public static OrchestrationCatalog AddRoundStep<TInput, TOutput>(this OrchestrationCatalog catalog, ActivityName<TInput, TOutput> name, string step, Func<TInput, CancellationToken, Task<TOutput>> run)
        where TInput : IRoundStep =>
        catalog.AddActivity(name, Wrap(step, run));

    private static Func<TInput, CancellationToken, Task<TOutput>> Wrap<TInput, TOutput>(string step, Func<TInput, CancellationToken, Task<TOutput>> run)
        where TInput : IRoundStep =>
        async (input, cancellationToken) =>
        {
            using var activity = RoundTrace.Start($"fedn.round.{step}", input);
            activity?.SetTag(ReducerTelemetry.Attributes.Step, step);
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await run(input, cancellationToken);
            }
            catch (Exception error)
            {
                activity?.SetStatus(ActivityStatusCode.Error, $"{error.GetType().Name}: {error.Message}");
                throw;
            }
            finally
            {
                ReducerTelemetry.StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>(ReducerTelemetry.Attributes.Step, step),
                    new KeyValuePair<string, object?>(ReducerTelemetry.Attributes.Session, input.SessionId));
            }
        };
}
