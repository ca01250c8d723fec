using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Orchestration;
using Microsoft.DurableTask;

namespace FedN.Reducer.Orchestrators;

/// <summary>
/// One attempt at a round: plan → dispatch → one combiner per shard → reduce → validate → commit →
/// retention. Deterministic (it only talks to its context); a stop event ends it before the commit
/// without a model, and the commit itself refuses a session being stopped.
/// </summary>
internal sealed class RoundOrchestrator(ReducerOptions options) : TaskOrchestrator<RoundInput, RoundOutcome>
{
    public override async Task<RoundOutcome> RunAsync(TaskOrchestrationContext context, RoundInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        using var stopWait = new CancellationTokenSource();
        var stop = context.WaitForExternalEvent<object?>(ReducerNames.StopEvent, stopWait.Token);
        try
        {
            return await RunStepsAsync(context, input, stop);
        }
        finally
        {
            stopWait.Cancel();
        }
    }

    private async Task<RoundOutcome> RunStepsAsync(TaskOrchestrationContext context, RoundInput input, Task stop)
    {
        var config = input.Config;
        var deadline = new DateTimeOffset(context.CurrentUtcDateTime + config.RoundTimeout, TimeSpan.Zero);
        context.SetCustomStatus("planning");

        // Plan, waiting (on durable timers) for enough clients to come online. The deadline bounds the
        // wait, and with it the history it writes: one plan and one timer per PlanRetryInterval.
        PlanResult? plan = null;
        while (plan is not { Status: PlanStatus.Planned })
        {
            if (plan is not null)
            {
                var retryAt = context.CurrentUtcDateTime + options.PlanRetryInterval;
                if (retryAt >= deadline.UtcDateTime)
                {
                    return await CloseAsync(context, input, RoundStatus.Failed,
                        $"only {plan.Eligible} eligible client(s) came online before the deadline; the round needs at least {config.MinClients}", []);
                }

                using var wait = new CancellationTokenSource();
                if (await Task.WhenAny(context.CreateTimer(retryAt, wait.Token), stop) == stop)
                {
                    wait.Cancel();
                    return await CloseAsync(context, input, RoundStatus.Stopped, "the session was stopped while the round waited for clients", []);
                }
            }

            var planned = await UntilStopAsync(context.CallAsync(ReducerTasks.Plan,
                new PlanRequest(input.SessionId, input.Round, input.Attempt, config, input.ModelId, deadline), options.ActivityOptions), stop);
            if (planned is not { Status: not PlanStatus.Stopped } result)
            {
                return await CloseAsync(context, input, RoundStatus.Stopped, "the session was stopped before the round began", []);
            }

            plan = result;
        }

        context.SetCustomStatus("training");
        try
        {
            await context.CallAsync(ReducerTasks.Dispatch,
                new DispatchRequest(input.SessionId, input.Round, input.Attempt, ClientTaskKind.Train, input.ModelId, input.ModelPath, deadline), options.ActivityOptions);
        }
        catch (TaskFailedException failed)
        {
            // For example a global model whose file is corrupt: the round ends, saying why, before anyone trains on it.
            return await CloseAsync(context, input, RoundStatus.Failed, $"the training tasks could not be sent: {failed.FailureDetails.ErrorMessage}", []);
        }

        var combiners = plan.Shards.Select(shard => context.CallAsync(ReducerTasks.Combine, new CombineRequest
        {
            SessionId = input.SessionId,
            Round = input.Round,
            Attempt = input.Attempt,
            Shard = shard,
            Deadline = deadline,
            QuorumGrace = config.QuorumGrace,
            Aggregator = config.Aggregator,
            Hyperparameters = config.Hyperparameters,
            ModelPath = input.ModelPath,
            MaxExampleWeight = config.MaxExampleWeight,
            UpdateNormBound = config.UpdateNormBound,
            UpdateNormAction = config.UpdateNormAction,
        }, options.ActivityOptions)).ToList();

        // A combiner closes at the deadline by itself; one still out after the grace is stuck, and
        // the round goes on without its shard rather than wait for it forever.
        using (var stuck = new CancellationTokenSource())
        {
            var first = await Task.WhenAny(Task.WhenAll(combiners), context.CreateTimer(deadline.UtcDateTime + options.CombinerGrace, stuck.Token), stop);
            stuck.Cancel();
            if (first == stop)
            {
                return await CloseAsync(context, input, RoundStatus.Stopped, "the session was stopped while the combiners were aggregating", Finished(combiners));
            }
        }

        var shards = Finished(combiners);
        var aggregated = shards.Sum(shard => shard.Aggregated);
        if (aggregated < config.MinClients)
        {
            return await CloseAsync(context, input, RoundStatus.Failed,
                $"only {aggregated} update(s) were aggregated by the deadline; the round needs at least {config.MinClients}{ShardProblems(plan, combiners)}{Undelivered(shards)}", shards);
        }

        context.SetCustomStatus("reducing");
        var modelId = RoundLayout.ModelId(input.SessionId, input.Round);
        var reduced = await UntilStopAsync(context.CallAsync(ReducerTasks.Reduce, new ReduceRequest
        {
            SessionId = input.SessionId,
            Round = input.Round,
            Aggregator = config.Aggregator,
            Hyperparameters = config.Hyperparameters,
            ModelPath = input.ModelPath,
            OptimizerStatePath = input.OptimizerStatePath,
            Partials = [.. shards.Select(shard => shard.PartialPath)],
            NewModelId = modelId,
        }, options.ActivityOptions), stop);
        if (reduced is null)
        {
            return await CloseAsync(context, input, RoundStatus.Stopped, "the session was stopped while the partials were being reduced", shards);
        }

        ValidationSummary? validation = null;
        if (config.Validate)
        {
            context.SetCustomStatus("validating");
            var validationDeadline = new DateTimeOffset(context.CurrentUtcDateTime + config.RoundTimeout, TimeSpan.Zero);
            var asked = await context.CallAsync(ReducerTasks.Dispatch,
                new DispatchRequest(input.SessionId, input.Round, input.Attempt, ClientTaskKind.Validate, modelId, reduced.ModelPath, validationDeadline) { ModelSha256 = reduced.Sha256 }, options.ActivityOptions);
            validation = await UntilStopAsync(context.CallAsync(ReducerTasks.CollectValidations,
                new CollectValidationsRequest(input.SessionId, input.Round, modelId, asked, validationDeadline), options.ActivityOptions), stop);
            if (validation is null)
            {
                return await CloseAsync(context, input, RoundStatus.Stopped, "the session was stopped while the new model was being validated", shards);
            }
        }

        context.SetCustomStatus("committing");
        var committed = await context.CallAsync(ReducerTasks.Commit, new CommitRequest
        {
            SessionId = input.SessionId,
            Round = input.Round,
            Attempt = input.Attempt,
            ParentModelId = input.ModelId,
            ModelId = modelId,
            Reduced = reduced,
            Shards = shards,
            Validation = validation,
        }, options.ActivityOptions);
        if (!committed)
        {
            return await CloseAsync(context, input, RoundStatus.Stopped, "the session was stopped before the new model was committed", shards);
        }

        await context.CallAsync(ReducerTasks.Retention,
            new RetentionRequest(input.SessionId, input.Round, input.Attempt, config.Shards, config.KeepRounds), options.ActivityOptions);
        return new RoundOutcome
        {
            Status = RoundStatus.Committed,
            ModelId = modelId,
            ModelPath = reduced.ModelPath,
            OptimizerStatePath = reduced.OptimizerStatePath,
            Aggregated = reduced.Count,
        };
    }

    /// <summary>The work's result, or <see langword="null"/> when a stop was requested first.</summary>
    private static async Task<T?> UntilStopAsync<T>(Task<T> work, Task stop)
        where T : class =>
        await Task.WhenAny(work, stop) == work ? await work : null;

    private static List<ShardResult> Finished(List<Task<ShardResult>> combiners) =>
        [.. combiners.Where(combiner => combiner.IsCompletedSuccessfully).Select(combiner => combiner.Result)];

    private static string ShardProblems(PlanResult plan, List<Task<ShardResult>> combiners)
    {
        var problems = combiners.Select((combiner, i) => combiner switch
        {
            { IsFaulted: true } => $"shard {plan.Shards[i].Shard} failed: {FailureMessage(combiner.Exception!.InnerException!)}",
            { IsCompleted: false } => $"shard {plan.Shards[i].Shard} did not finish in time",
            _ => null,
        }).OfType<string>().ToList();
        return problems.Count == 0 ? "" : $" ({string.Join("; ", problems)})";
    }

    private static string Undelivered(List<ShardResult> shards) =>
        shards.SelectMany(shard => shard.Undelivered).Take(ShardResult.MaxUndelivered).ToList() is { Count: > 0 } missing
            ? $"; no update from {string.Join("; ", missing)}"
            : "";

    private static string FailureMessage(Exception error) => error is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : error.Message;

    private async Task<RoundOutcome> CloseAsync(TaskOrchestrationContext context, RoundInput input, RoundStatus status, string message, IReadOnlyList<ShardResult> shards)
    {
        context.SetCustomStatus(status == RoundStatus.Failed ? "failed" : "stopped");
        await context.CallAsync(ReducerTasks.CloseRound, new CloseRoundRequest(input.SessionId, input.Round, input.Attempt, input.ModelId, status, message, shards), options.ActivityOptions);
        return new RoundOutcome { Status = status, Message = message };
    }
}
