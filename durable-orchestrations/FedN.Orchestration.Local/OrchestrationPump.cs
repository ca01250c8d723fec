namespace FedN.Orchestration.Local;

/// <summary>
/// Runs an orchestrator's code on one logical thread: every continuation is queued here and run by
/// <see cref="RunUntilIdle"/>, one at a time, so the orchestrator sees completions one by one and
/// in journal order, exactly as it will on replay.
/// </summary>
internal sealed class OrchestrationPump : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_work)
        {
            _work.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("orchestrators must not block");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued work, and the work it queues, until there is none.</summary>
    public void RunUntilIdle()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (true)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (_work)
                {
                    if (!_work.TryDequeue(out next))
                    {
                        return;
                    }
                }

                next.Callback(next.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
