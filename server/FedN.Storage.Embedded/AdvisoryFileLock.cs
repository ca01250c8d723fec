using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FedN.Storage.Embedded;

/// <summary>
/// An exclusive <c>flock</c> on an open file, taken explicitly. .NET takes one itself for
/// <see cref="FileShare.None"/>, but a host may turn that off for every file it opens
/// (<c>System.IO.DisableFileLocking</c>: two system calls saved per open, see docs/performance.md);
/// a lock that keeps two processes apart must not depend on that setting.
/// </summary>
internal static class AdvisoryFileLock
{
    private const int Exclusive = 2; // LOCK_EX
    private const int NonBlocking = 4; // LOCK_NB

    /// <summary>Locks <paramref name="file"/> for this open file alone, or returns <see langword="false"/> when another holds it.</summary>
    /// <remarks>On Windows the share mode the file was opened with is the lock, enforced by the system.</remarks>
    public static bool TryLockExclusive(SafeFileHandle file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return OperatingSystem.IsWindows() || flock(file, Exclusive | NonBlocking) == 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(SafeFileHandle file, int operation);
}
