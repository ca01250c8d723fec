using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Orchestration;
using Microsoft.DurableTask;

namespace FedN.Reducer.Orchestrators;

/// <summary>
/// One attempt at a round: plan → dispatch → one combiner per shard → reduce → validate → commit →
/// retention, each step a method of its own. Deterministic (it only talks to its context); a stop event ends it before the commit
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
            var attempt = new Attempt(context, input, stop, new DateTimeOffset(context.CurrentUtcDateTime + input.Config.RoundTimeout, TimeSpan.Zero));
            return await RunStepsAsync(attempt);
        }
        finally
        {
            stopWait.Cancel();
        }
    }

    /// <summary>The steps in order; each either hands its result to the next or ends the attempt, and the attempt's ending closes the round.</summary>
    private async Task<RoundOutcome> RunStepsAsync(Attempt attempt)
    {
        var plan = await PlanAsync(attempt);
        if (attempt.Ending is { } planEnding)
        {
            return await CloseAsync(attempt, planEnding);
        }

        var shards = await TrainAsync(attempt, plan!);
        if (attempt.Ending is { } trainEnding)
        {
            return await CloseAsync(attempt, trainEnding);
        }

        var reduced = await ReduceAsync(attempt, shards!);
        if (attempt.Ending is { } reduceEnding)
        {
            return await CloseAsync(attempt, reduceEnding);
        }

        var validation = await ValidateAsync(attempt, reduced!);
        if (attempt.Ending is { } validateEnding)
        {
            return await CloseAsync(attempt, validateEnding);
        }

        return await CommitAsync(attempt, reduced!, shards!, validation);
    }

    /// <summary>
    /// Plans the round, waiting (on durable timers) for enough clients to come online. The deadline
    /// bounds the wait, and with it the history it writes: one plan and one timer per PlanRetryInterval.
    /// </summary>
    private async Task<PlanResult?> PlanAsync(Attempt attempt)
    {
        var (context, input, config) = (attempt.Context, attempt.Input, attempt.Input.Config);
        context.SetCustomStatus("planning");
        PlanResult? plan = null;
        while (plan is not { Status: PlanStatus.Planned })
        {
            if (plan is not null)
            {
                var retryAt = context.CurrentUtcDateTime + options.PlanRetryInterval;
                if (retryAt >= attempt.Deadline.UtcDateTime)
                {
                    attempt.End(RoundStatus.Failed, $"only {plan.Eligible} eligible client(s) came online before the deadline; the round needs at least {config.MinClients}");
                    return null;
                }

                using var wait = new CancellationTokenSource();
                if (await Task.WhenAny(context.CreateTimer(retryAt, wait.Token), attempt.Stop) == attempt.Stop)
                {
                    wait.Cancel();
                    attempt.End(RoundStatus.Stopped, "the session was stopped while the round waited for clients");
                    return null;
                }
            }

            var planned = await UntilStopAsync(context.CallAsync(ReducerTasks.Plan,
                new PlanRequest(input.SessionId, input.Round, input.Attempt, config, input.ModelId, attempt.Deadline), options.ActivityOptions), attempt.Stop);
            if (planned is not { Status: not PlanStatus.Stopped } result)
            {
                attempt.End(RoundStatus.Stopped, "the session was stopped before the round began");
                return null;
            }

            plan = result;
        }

        return plan;
    }

    /// <summary>Sends the training tasks and runs one combiner per shard until each closes, the grace after the deadline runs out, or the session stops.</summary>
    private async Task<List<ShardResult>?> TrainAsync(Attempt attempt, PlanResult plan)
    {
        var (context, input, config) = (attempt.Context, attempt.Input, attempt.Input.Config);
        context.SetCustomStatus("training");
        try
        {
            await context.CallAsync(ReducerTasks.Dispatch,
                new DispatchRequest(input.SessionId, input.Round, input.Attempt, ClientTaskKind.Train, input.ModelId, input.ModelPath, attempt.Deadline), options.ActivityOptions);
        }
        catch (TaskFailedException failed)
        {
            // For example a global model whose file is corrupt: the round ends, saying why, before anyone trains on it.
            attempt.End(RoundStatus.Failed, $"the training tasks could not be sent: {failed.FailureDetails.ErrorMessage}");
            return null;
        }

        var combiners = plan.Shards.Select(shard => context.CallAsync(ReducerTasks.Combine, new CombineRequest
        {
            SessionId = input.SessionId,
            Round = input.Round,
            Attempt = input.Attempt,
            Shard = shard,
            Deadline = attempt.Deadline,
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
            var first = await Task.WhenAny(Task.WhenAll(combiners), context.CreateTimer(attempt.Deadline.UtcDateTime + options.CombinerGrace, stuck.Token), attempt.Stop);
            stuck.Cancel();
            if (first == attempt.Stop)
            {
                attempt.End(RoundStatus.Stopped, "the session was stopped while the combiners were aggregating", Finished(combiners));
                return null;
            }
        }

        var shards = Finished(combiners);
        var aggregated = shards.Sum(shard => shard.Aggregated);
        if (aggregated < config.MinClients)
        {
            attempt.End(RoundStatus.Failed,
                $"only {aggregated} update(s) were aggregated by the deadline; the round needs at least {config.MinClients}{ShardProblems(plan, combiners)}{Undelivered(shards)}", shards);
            return null;
        }

        attempt.Shards = shards;
        return shards;
    }

    /// <summary>Reduces the shards' partials into the round's new model (and the server optimizer's state).</summary>
    private async Task<ReduceResult?> ReduceAsync(Attempt attempt, List<ShardResult> shards)
    {
        var (context, input, config) = (attempt.Context, attempt.Input, attempt.Input.Config);
        context.SetCustomStatus("reducing");
        var reduced = await UntilStopAsync(context.CallAsync(ReducerTasks.Reduce, new ReduceRequest
        {
            SessionId = input.SessionId,
            Round = input.Round,
            Attempt = input.Attempt,
            Aggregator = config.Aggregator,
            Hyperparameters = config.Hyperparameters,
            ModelPath = input.ModelPath,
            OptimizerStatePath = input.OptimizerStatePath,
            Partials = [.. shards.Select(shard => shard.PartialPath)],
            NewModelId = attempt.NewModelId,
        }, options.ActivityOptions), attempt.Stop);
        if (reduced is null)
        {
            attempt.End(RoundStatus.Stopped, "the session was stopped while the partials were being reduced");
        }

        return reduced;
    }

    /// <summary>When the session validates, sends the new model to the clients and collects their validations (null when it does not).</summary>
    private async Task<ValidationSummary?> ValidateAsync(Attempt attempt, ReduceResult reduced)
    {
        var (context, input, config) = (attempt.Context, attempt.Input, attempt.Input.Config);
        if (!config.Validate)
        {
            return null;
        }

        context.SetCustomStatus("validating");
        var validationDeadline = new DateTimeOffset(context.CurrentUtcDateTime + config.RoundTimeout, TimeSpan.Zero);
        var asked = await context.CallAsync(ReducerTasks.Dispatch,
            new DispatchRequest(input.SessionId, input.Round, input.Attempt, ClientTaskKind.Validate, attempt.NewModelId, reduced.ModelPath, validationDeadline) { ModelSha256 = reduced.Sha256 }, options.ActivityOptions);
        var validation = await UntilStopAsync(context.CallAsync(ReducerTasks.CollectValidations,
            new CollectValidationsRequest(input.SessionId, input.Round, attempt.NewModelId, asked, validationDeadline) { Attempt = input.Attempt }, options.ActivityOptions), attempt.Stop);
        if (validation is null)
        {
            attempt.End(RoundStatus.Stopped, "the session was stopped while the new model was being validated");
        }

        return validation;
    }

    /// <summary>Commits the new model as the session's global model (refused when the session is being stopped), then lets retention tidy the round.</summary>
    private async Task<RoundOutcome> CommitAsync(Attempt attempt, ReduceResult reduced, List<ShardResult> shards, ValidationSummary? validation)
    {
        var (context, input, config) = (attempt.Context, attempt.Input, attempt.Input.Config);
        context.SetCustomStatus("committing");
        var committed = await context.CallAsync(ReducerTasks.Commit, new CommitRequest
        {
            SessionId = input.SessionId,
            Round = input.Round,
            Attempt = input.Attempt,
            ParentModelId = input.ModelId,
            ModelId = attempt.NewModelId,
            Reduced = reduced,
            Shards = shards,
            Validation = validation,
        }, options.ActivityOptions);
        if (!committed)
        {
            return await CloseAsync(attempt, new Ending(RoundStatus.Stopped, "the session was stopped before the new model was committed", shards));
        }

        await context.CallAsync(ReducerTasks.Retention,
            new RetentionRequest(input.SessionId, input.Round, input.Attempt, config.Shards, config.KeepRounds), options.ActivityOptions);
        return new RoundOutcome
        {
            Status = RoundStatus.Committed,
            ModelId = attempt.NewModelId,
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

    private async Task<RoundOutcome> CloseAsync(Attempt attempt, Ending ending)
    {
        var input = attempt.Input;
        attempt.Context.SetCustomStatus(ending.Status == RoundStatus.Failed ? "failed" : "stopped");
        await attempt.Context.CallAsync(ReducerTasks.CloseRound, new CloseRoundRequest(input.SessionId, input.Round, input.Attempt, input.ModelId, ending.Status, ending.Message, ending.Shards), options.ActivityOptions);
        return new RoundOutcome { Status = ending.Status, Message = ending.Message };
    }

    /// <summary>Why an attempt ends without a commit, and the shards that finished before it did (the round record keeps their figures).</summary>
    private sealed record Ending(RoundStatus Status, string Message, IReadOnlyList<ShardResult> Shards);

    /// <summary>One run of the round orchestrator: what every step reads, and how the attempt ended when a step ended it.</summary>
    private sealed class Attempt(TaskOrchestrationContext context, RoundInput input, Task stop, DateTimeOffset deadline)
    {
        public TaskOrchestrationContext Context { get; } = context;

        public RoundInput Input { get; } = input;

        /// <summary>Completes when the session is told to stop.</summary>
        public Task Stop { get; } = stop;

        /// <summary>When training closes: the round's timeout from the attempt's start (replay-safe: the context's clock).</summary>
        public DateTimeOffset Deadline { get; } = deadline;

        /// <summary>The model the round commits.</summary>
        public string NewModelId { get; } = RoundLayout.ModelId(input.SessionId, input.Round);

        /// <summary>The shards that finished, once training is done: closing after that keeps their figures.</summary>
        public IReadOnlyList<ShardResult> Shards { get; set; } = [];

        /// <summary>Set by the step that ended the attempt.</summary>
        public Ending? Ending { get; private set; }

        /// <summary>Ends the attempt: the steps after the current one do not run.</summary>
        public void End(RoundStatus status, string message, IReadOnlyList<ShardResult>? shards = null) =>
            Ending = new Ending(status, message, shards ?? Shards);
    }
}
