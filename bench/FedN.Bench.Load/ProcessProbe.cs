using System.Diagnostics;
using System.Globalization;

namespace FedN.Bench.Load;

/// <summary>
/// Samples a process's CPU time and resident memory from /proc every 50 ms, so figures can be cut
/// at any moment of the run (a round's start and commit) after the fact.
/// </summary>
internal sealed class ProcessProbe : IAsyncDisposable
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on
    private readonly int _pid;
    private readonly List<(DateTimeOffset At, double CpuSeconds)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public ProcessProbe(int pid)
    {
        _pid = pid;
        _sampling = SampleAsync(_stop.Token);
    }

    /// <summary>The process's CPU seconds (user + system) at <paramref name="at"/>, from the nearest sample before it.</summary>
    public double CpuSecondsAt(DateTimeOffset at)
    {
        lock (_samples)
        {
            var before = _samples.LastOrDefault(sample => sample.At <= at);
            return before == default ? (_samples.Count > 0 ? _samples[0].CpuSeconds : 0) : before.CpuSeconds;
        }
    }

    public double CpuSecondsNow() => ReadCpuSeconds(_pid);

    /// <summary>Peak resident memory of the process's life so far, in MB (VmHWM): connecting the clients included.</summary>
    public double PeakResidentMegabytes() => ReadStatusKilobytes(_pid, "VmHWM:") / 1024.0;

    public static double ReadCpuSeconds(int pid)
    {
        // Fields after the command name, which is in parentheses and may hold spaces.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    public static long ReadStatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            do
            {
                var sample = (DateTimeOffset.UtcNow, ReadCpuSeconds(_pid));
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Disposed: sampling is over.
        }
        catch (IOException)
        {
            // The process is gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}

/// <summary>
/// Counts a process's system calls with <c>strace -c</c> while it is attached: durable writes
/// (fsync, fdatasync) apart, and all of them but the waits (futex, epoll_wait), which count sleeps
/// more than work. On these VMs a system call is what a server pays for most (docs/performance.md).
/// strace slows every system call, so runs that count are not runs that time.
/// </summary>
internal sealed class SystemCallCounter : IAsyncDisposable
{
    private static readonly string[] SyncCalls = ["fsync", "fdatasync", "sync_file_range"];
    private static readonly string[] Waits = ["futex", "epoll_wait", "epoll_pwait", "restart_syscall", "total"];
    private readonly Process _strace;
    private readonly string _output;

    private SystemCallCounter(Process strace, string output)
    {
        _strace = strace;
        _output = output;
    }

    public static async Task<SystemCallCounter> AttachAsync(int pid)
    {
        var output = Path.Combine(Path.GetTempPath(), $"fedn-bench-strace-{pid}-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo("strace", ["-f", "-c", "-o", output, "-p", pid.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        var strace = Process.Start(start) ?? throw new InvalidOperationException("could not start strace");
        await Task.Delay(TimeSpan.FromSeconds(1)); // attaching to every thread takes a moment
        return new SystemCallCounter(strace, output);
    }

    /// <summary>Detaches and returns the sync calls and all calls but waits seen while attached.</summary>
    public async Task<(long Syncs, long Calls)> StopAsync()
    {
        // SIGINT makes strace detach and write its summary.
        using (var kill = Process.Start("kill", ["-INT", _strace.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _strace.WaitForExitAsync();
        var (syncs, calls) = (0L, 0L);

        // Rows are "% time, seconds, usecs/call, calls, [errors,] name"; the errors column may be empty.
        foreach (var line in File.Exists(_output) ? await File.ReadAllLinesAsync(_output) : [])
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5 || !long.TryParse(fields[3], CultureInfo.InvariantCulture, out var count) || Waits.Contains(fields[^1]))
            {
                continue;
            }

            calls += count;
            syncs += SyncCalls.Contains(fields[^1]) ? count : 0;
        }

        File.Delete(_output);
        return (syncs, calls);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_strace.HasExited)
        {
            await StopAsync();
        }

        _strace.Dispose();
    }
}
