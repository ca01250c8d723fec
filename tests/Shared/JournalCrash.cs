using FedN.Orchestration.Local;

namespace FedN.Testing.Shared;

/// <summary>
/// Kills a local runner as a dying process would, right after its Nth journal write: the write is
/// kept, nothing after it runs, and the runner stops. Counts the writes either way. Compiled into
/// each test project that crashes runners (it needs the runner's internal journal hook).
/// </summary>
internal sealed class JournalCrash
{
    private readonly TaskCompletionSource _killed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;

    private JournalCrash()
    {
    }

    /// <summary>Journal writes so far.</summary>
    public int Writes => _writes;

    /// <summary>Completes when the runner has been killed.</summary>
    public Task Killed => _killed.Task;

    /// <summary>Arms <paramref name="runner"/>: killed after write <paramref name="killAfterWrite"/>, or only counted when it is null.</summary>
    public static JournalCrash Arm(LocalOrchestrationRunner runner, int? killAfterWrite)
    {
        var crash = new JournalCrash();
        runner.JournalWritten = async (_, _) =>
        {
            if (Interlocked.Increment(ref crash._writes) == killAfterWrite)
            {
                crash._killed.TrySetResult();
                _ = runner.StopAsync();
                throw new OperationCanceledException("killed");
            }

            await Task.Yield();
        };
        return crash;
    }
}
