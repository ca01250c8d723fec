using Microsoft.DurableTask;

namespace FedN.Orchestration;

/// <summary>An orchestrator given as a function (tests, small hosts): the SDK's class form around it.</summary>
internal sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) : TaskOrchestrator<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
}
