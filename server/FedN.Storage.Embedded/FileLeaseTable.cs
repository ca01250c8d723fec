using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FedN.Storage;

namespace FedN.Storage.Embedded;

/// <summary>
/// Blob leases shared by every process using one data directory: one small record per leased blob
/// (holder id and expiry), read and changed only while holding an exclusive lock on a lock file.
/// The lock is held for microseconds; the lease for as long as its holder renews it. It is taken
/// explicitly (<see cref="AdvisoryFileLock"/>), so it holds when a host turns .NET's own file locks off.
/// </summary>
internal sealed class FileLeaseTable(string directory, TimeProvider time)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    public IBlobLease? TryAcquire(string path, TimeSpan duration)
    {
        using var guard = Lock();
        var current = Read(path);
        if (current is { } held && held.ExpiresOn > time.GetUtcNow())
        {
            return null;
        }

        var lease = new FileLease(this, path, Guid.NewGuid().ToString("N"), duration);
        Write(path, lease.LeaseId, time.GetUtcNow() + duration);
        return lease;
    }

    public bool IsLeased(string path) => Read(path) is { } held && held.ExpiresOn > time.GetUtcNow();

    private void Renew(string path, string leaseId, TimeSpan duration)
    {
        using var guard = Lock();

        // As on Azure, an expired lease can still be renewed if nobody took it meanwhile.
        if (Read(path) is not { } held || held.LeaseId != leaseId)
        {
            throw new BlobLeaseConflictException(path);
        }

        Write(path, leaseId, time.GetUtcNow() + duration);
    }

    private void Release(string path, string leaseId)
    {
        using var guard = Lock();
        if (Read(path) is { } held && held.LeaseId == leaseId)
        {
            File.Delete(RecordFile(path));
        }
    }

    private FileStream Lock()
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                var file = new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                if (AdvisoryFileLock.TryLockExclusive(file.SafeFileHandle))
                {
                    return file;
                }

                file.Dispose();
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held under .NET's own share-mode lock, where that is on: try again.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new IOException($"the lease table's lock file in '{directory}' stayed locked for {LockTimeout.TotalSeconds:F0} s");
            }

            Thread.Sleep(1);
        }
    }

    private (string LeaseId, DateTimeOffset ExpiresOn)? Read(string path)
    {
        // Most blobs asked about have no lease (every delete asks): one stat, not a thrown exception.
        var record = RecordFile(path);
        if (!File.Exists(record))
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(record);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var parts = text.Split(' ');
        return (parts[0], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[1], CultureInfo.InvariantCulture)));
    }

    private void Write(string path, string leaseId, DateTimeOffset expiresOn)
    {
        var file = RecordFile(path);
        var temp = file + ".tmp";
        File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{leaseId} {expiresOn.ToUnixTimeMilliseconds()}"));
        File.Move(temp, file, overwrite: true);
    }

    private string RecordFile(string path) =>
        Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path))) + ".lease");

    private sealed class FileLease(FileLeaseTable table, string path, string leaseId, TimeSpan duration) : IBlobLease
    {
        public string Path => path;

        public string LeaseId => leaseId;

        public Task RenewAsync(CancellationToken cancellationToken = default)
        {
            table.Renew(path, leaseId, duration);
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(CancellationToken cancellationToken = default)
        {
            table.Release(path, leaseId);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            table.Release(path, leaseId);
            return ValueTask.CompletedTask;
        }
    }
}
