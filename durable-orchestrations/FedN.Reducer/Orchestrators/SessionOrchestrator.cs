using FedN.Contracts.Federation;
using FedN.Orchestration;
using Microsoft.DurableTask;

namespace FedN.Reducer.Orchestrators;

/// <summary>
/// Runs a session: one round (a child orchestration) per generation, then continue-as-new with the
/// new model, so history stays one round long however many rounds the session has. A failed round is
/// retried as the session's configuration says; a stop event is passed to the running round, which
/// ends without committing.
/// </summary>
internal sealed class SessionOrchestrator(ReducerOptions options) : TaskOrchestrator<SessionProgress, SessionOutcome>
{
    public override async Task<SessionOutcome> RunAsync(TaskOrchestrationContext context, SessionProgress progress)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(progress);
        var config = progress.Config;
        if (progress is { Round: 1, Attempt: 1 })
        {
            await SetStatusAsync(context, progress, SessionStatus.Running, null);
        }

        context.SetCustomStatus(new SessionProgressStatus(progress.Round, progress.Attempt, "round", progress.ModelId));
        var roundInstance = RoundInstanceId(context.InstanceId, progress.Round, progress.Attempt);
        var round = context.CallAsync(ReducerTasks.Round, new RoundInput
        {
            SessionId = progress.SessionId,
            Round = progress.Round,
            Attempt = progress.Attempt,
            Config = config,
            ModelId = progress.ModelId,
            ModelPath = progress.ModelPath,
            OptimizerStatePath = progress.OptimizerStatePath,
        }, new SubOrchestrationOptions(instanceId: roundInstance));

        var stopRequested = false;
        using (var stopWait = new CancellationTokenSource())
        {
            var stop = context.WaitForExternalEvent<object?>(ReducerNames.StopEvent, stopWait.Token);
            if (await Task.WhenAny(round, stop) == stop)
            {
                stopRequested = true;
                context.SendEvent(roundInstance, ReducerNames.StopEvent, payload: null!);
            }
            else
            {
                stopWait.Cancel();
            }
        }

        RoundOutcome outcome;
        try
        {
            outcome = await round;
        }
        catch (TaskFailedException e)
        {
            outcome = new RoundOutcome { Status = RoundStatus.Failed, Message = e.FailureDetails.ErrorMessage };
        }

        switch (outcome.Status)
        {
            case RoundStatus.Committed:
                var next = progress with
                {
                    Round = progress.Round + 1,
                    Attempt = 1,
                    ModelId = outcome.ModelId!,
                    ModelPath = outcome.ModelPath!,
                    OptimizerStatePath = outcome.OptimizerStatePath,
                };
                if (stopRequested)
                {
                    return await FinishAsync(context, next, SessionStatus.Stopped, $"stopped after round {progress.Round}");
                }

                if (next.Round > config.Rounds)
                {
                    return await FinishAsync(context, next, SessionStatus.Completed, $"{config.Rounds} round(s) completed; the final model is {next.ModelId}");
                }

                context.ContinueAsNew(next);
                return new SessionOutcome(SessionStatus.Running, progress.Round, next.ModelId, null);

            case RoundStatus.Failed when progress.Attempt <= config.RoundRetries && !stopRequested:
                context.ContinueAsNew(progress with { Attempt = progress.Attempt + 1 });
                return new SessionOutcome(SessionStatus.Running, progress.Round - 1, progress.ModelId, outcome.Message);

            case RoundStatus.Failed:
                await AbandonRoundAsync(context, progress);
                return await FinishAsync(context, progress, SessionStatus.Failed,
                    $"round {progress.Round} failed{(progress.Attempt > 1 ? $" {progress.Attempt} times" : "")}: {outcome.Message}");

            default:
                await AbandonRoundAsync(context, progress);
                return await FinishAsync(context, progress, SessionStatus.Stopped, $"stopped during round {progress.Round}; the model stays at {progress.ModelId}");
        }
    }

    /// <summary>The instance id of attempt <paramref name="attempt"/> at round <paramref name="round"/>.</summary>
    internal static string RoundInstanceId(string sessionInstanceId, int round, int attempt) => $"{sessionInstanceId}:round-{round}:attempt-{attempt}";

    /// <summary>The session ends during this round: its attempts' working data and queues will never be used.</summary>
    private Task<int> AbandonRoundAsync(TaskOrchestrationContext context, SessionProgress progress) =>
        context.CallAsync(ReducerTasks.Retention,
            new RetentionRequest(progress.SessionId, progress.Round, progress.Attempt, progress.Config.Shards, progress.Config.KeepRounds) { Abandoned = true }, options.ActivityOptions);

    private async Task<SessionOutcome> FinishAsync(TaskOrchestrationContext context, SessionProgress progress, SessionStatus status, string message)
    {
        await SetStatusAsync(context, progress, status, message);
        context.SetCustomStatus(new SessionProgressStatus(progress.Round, progress.Attempt, status.ToString().ToLowerInvariant(), progress.ModelId));
        return new SessionOutcome(status, progress.Round - 1, progress.ModelId, message);
    }

    private Task<bool> SetStatusAsync(TaskOrchestrationContext context, SessionProgress progress, SessionStatus status, string? message) =>
        context.CallAsync(ReducerTasks.SetSessionStatus, new SessionStatusRequest(progress.SessionId, status, message), options.ActivityOptions);
}
