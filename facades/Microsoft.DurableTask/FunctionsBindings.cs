using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>Facade (Extensions.DurableTask): binds a <c>TaskOrchestrationContext</c>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class OrchestrationTriggerAttribute : TriggerBindingAttribute
{
    public string? Orchestration { get; set; }
}

/// <summary>Facade (Extensions.DurableTask): binds an activity's input.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ActivityTriggerAttribute : TriggerBindingAttribute
{
    public string? Activity { get; set; }
}

/// <summary>Facade (Extensions.DurableTask): binds a <c>DurableTaskClient</c>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class DurableClientAttribute : InputBindingAttribute
{
    public string? TaskHub { get; set; }

    public string? ConnectionName { get; set; }
}
