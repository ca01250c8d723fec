using System.Text.Json;
using FedN.Orchestration;
using Microsoft.DurableTask;
using DurableRetryPolicy = Microsoft.DurableTask.RetryPolicy;
using FedNRetryPolicy = FedN.Orchestration.RetryPolicy;

namespace FedN.Functions.Durable;

/// <summary>
/// FedN's orchestration port on Durable Functions, one to one: each member calls the
/// <see cref="TaskOrchestrationContext"/> member of the same name. Every value crosses as JSON that
/// FedN wrote (<see cref="OrchestrationCatalog.ToJson"/>), so Durable only stores JSON elements and
/// both hosts replay the same payloads; a failed task becomes the port's <see cref="ActivityFailedException"/>.
/// </summary>
/// <remarks>Compiled into the tests too, against recording doubles of the Durable types.</remarks>
internal sealed class DurableOrchestrationContext(TaskOrchestrationContext durable) : IOrchestrationContext
{
    private static readonly JsonElement JsonNull = JsonSerializer.SerializeToElement<object?>(null);

    public string InstanceId => durable.InstanceId;

    public DateTime CurrentUtcDateTime => durable.CurrentUtcDateTime;

    public bool IsReplaying => durable.IsReplaying;

    public T? GetInput<T>() => OrchestrationCatalog.FromJson<T>(durable.GetInput<JsonElement?>());

    public async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, FedNRetryPolicy? retry = null)
    {
        try
        {
            return OrchestrationCatalog.FromJson<TResult>(await durable.CallActivityAsync<JsonElement?>(name, Json(input), Options(retry)))!;
        }
        catch (TaskFailedException failed)
        {
            throw Failed(name, failed.FailureDetails);
        }
    }

    public async Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, string? instanceId = null)
    {
        try
        {
            return OrchestrationCatalog.FromJson<TResult>(await durable.CallSubOrchestratorAsync<JsonElement?>(name, Json(input), new SubOrchestrationOptions(instanceId: instanceId)))!;
        }
        catch (TaskFailedException failed)
        {
            throw Failed(name, failed.FailureDetails);
        }
        catch (SubOrchestrationFailedException failed)
        {
            throw Failed(name, failed.FailureDetails);
        }
    }

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => durable.CreateTimer(fireAt, cancellationToken);

    public async Task<T> WaitForExternalEvent<T>(string name, CancellationToken cancellationToken = default) =>
        OrchestrationCatalog.FromJson<T>(await durable.WaitForExternalEvent<JsonElement?>(name, cancellationToken))!;

    public void SendEvent(string instanceId, string name, object? payload = null) => durable.SendEvent(instanceId, name, Json(payload));

    public void SetCustomStatus(object? status) => durable.SetCustomStatus(OrchestrationCatalog.ToJson(status));

    public void ContinueAsNew(object? newInput) => durable.ContinueAsNew(Json(newInput), preserveUnprocessedEvents: true);

    public Guid NewGuid() => durable.NewGuid();

    private static JsonElement Json(object? value) => OrchestrationCatalog.ToJson(value) ?? JsonNull;

    private static TaskOptions? Options(FedNRetryPolicy? retry) => retry is null
        ? null
        : TaskOptions.FromRetryPolicy(new DurableRetryPolicy(retry.MaxAttempts, retry.FirstRetryInterval, retry.BackoffCoefficient, retry.MaxRetryInterval));

    private static ActivityFailedException Failed(string name, TaskFailureDetails details) => new(name, details.ErrorType, details.ErrorMessage);
}
