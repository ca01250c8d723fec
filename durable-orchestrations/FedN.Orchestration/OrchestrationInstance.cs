using System.Text.Json;

namespace FedN.Orchestration;

/// <summary>Where an orchestration instance is, as a host or the API sees it.</summary>
public sealed record OrchestrationInstance
{
    /// <summary>The instance's id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The orchestrator it runs.</summary>
    public required string Name { get; init; }

    /// <summary>Its status.</summary>
    public OrchestrationStatus Status { get; init; }

    /// <summary>Its input (of the current generation, after a continue-as-new).</summary>
    public JsonElement? Input { get; init; }

    /// <summary>What it returned, once completed.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>The last status it published.</summary>
    public JsonElement? CustomStatus { get; init; }

    /// <summary>How many times it continued as new.</summary>
    public int Generation { get; init; }

    /// <summary>When it was started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the current generation started: the orchestrator's first <see cref="Microsoft.DurableTask.TaskOrchestrationContext.CurrentUtcDateTime"/>.</summary>
    public DateTimeOffset GenerationStartedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The output as <typeparamref name="T"/>.</summary>
    public T? ReadOutputAs<T>() => DurableJson.FromJson<T>(Output);

    /// <summary>The custom status as <typeparamref name="T"/>.</summary>
    public T? ReadCustomStatusAs<T>() => DurableJson.FromJson<T>(CustomStatus);
}

/// <summary>The life of an orchestration instance.</summary>
public enum OrchestrationStatus
{
    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Returned.</summary>
    Completed,

    /// <summary>Threw (see <see cref="OrchestrationInstance.Error"/>).</summary>
    Failed,
}
