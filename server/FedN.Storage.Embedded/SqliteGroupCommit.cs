using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace FedN.Storage.Embedded;

/// <summary>
/// Group commit for one SQLite file: every write of this process goes through one writer, and the
/// writes that arrive while a commit is reaching the disk go together in the next transaction, so
/// N concurrent writers cost one fsync instead of N and no thread waits in SQLite's busy handler
/// for another thread's lock. Each write runs in a savepoint of its own: one that fails is undone
/// alone and fails only its caller. A caller's task completes after the commit that holds its write
/// is on the disk (synchronous = FULL): an acknowledged write survives a crash of the machine.
/// </summary>
/// <remarks>
/// The writer runs only while there is work: the first write after a quiet spell starts it, and it
/// ends when nothing is waiting, so there is nothing to stop or dispose. Another process sharing the
/// file is a second writer that SQLite's file lock serializes with this one.
/// </remarks>
internal sealed class SqliteGroupCommit
{
    /// <summary>Writes in one transaction at most: bounds how long one commit holds the file's lock.</summary>
    public const int MaxBatch = 512;

    private static readonly ConcurrentDictionary<string, SqliteGroupCommit> ByFile = new(StringComparer.Ordinal);

    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly ConcurrentQueue<IPendingWrite> _pending = new();
    private int _writing;

    private SqliteGroupCommit(Func<CancellationToken, Task<SqliteConnection>> open) => _open = open;

    /// <summary>The writer of the file at <paramref name="fullPath"/>: one per file and process, whichever store opened it.</summary>
    public static SqliteGroupCommit For(string fullPath, Func<CancellationToken, Task<SqliteConnection>> open) =>
        ByFile.GetOrAdd(fullPath, _ => new SqliteGroupCommit(open));

    /// <summary>Runs <paramref name="write"/> in the next group commit; completes once that commit is durable.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(write, cancellationToken);
        _pending.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = Task.Run(WriteWhileQueuedAsync, CancellationToken.None);
        }

        return pending.Task;
    }

    private async Task WriteWhileQueuedAsync()
    {
        List<IPendingWrite> batch = new(MaxBatch);
        while (true)
        {
            while (batch.Count < MaxBatch && _pending.TryDequeue(out var write))
            {
                if (!write.CancelIfRequested())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count == 0)
            {
                // Stand down, then look once more: a write queued after the last dequeue but before
                // the flag dropped would otherwise wait for the next writer.
                Volatile.Write(ref _writing, 0);
                if (_pending.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<IPendingWrite> batch)
    {
        try
        {
            await using var connection = await _open(CancellationToken.None);
            await SqliteDatabase.Execute(connection, "BEGIN IMMEDIATE", CancellationToken.None);
            try
            {
                foreach (var write in batch)
                {
                    await SqliteDatabase.Execute(connection, "SAVEPOINT write", CancellationToken.None);
                    if (await write.RunAsync(connection))
                    {
                        await SqliteDatabase.Execute(connection, "RELEASE write", CancellationToken.None);
                    }
                    else
                    {
                        // Undo this write alone; the batch goes on. (An error that ended the whole
                        // transaction makes this throw, and the batch fails as one below.)
                        await SqliteDatabase.Execute(connection, "ROLLBACK TO write; RELEASE write", CancellationToken.None);
                    }
                }

                await SqliteDatabase.Execute(connection, "COMMIT", CancellationToken.None);
            }
            catch
            {
                await RollBackQuietlyAsync(connection);
                throw;
            }

            foreach (var write in batch)
            {
                write.Complete();
            }
        }
        catch (Exception e)
        {
            foreach (var write in batch)
            {
                write.Fail(e);
            }
        }
    }

    private static async Task RollBackQuietlyAsync(SqliteConnection connection)
    {
        try
        {
            await SqliteDatabase.Execute(connection, "ROLLBACK", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // No transaction left to roll back: SQLite ended it with the error.
        }
    }

    private interface IPendingWrite
    {
        /// <summary>Fails the write as cancelled if its caller gave up before it ran; true then.</summary>
        bool CancelIfRequested();

        /// <summary>Runs the write; false when it threw (its outcome is then the exception).</summary>
        Task<bool> RunAsync(SqliteConnection connection);

        /// <summary>The commit holding the write is durable: hand the caller its outcome.</summary>
        void Complete();

        /// <summary>The commit failed: nothing of the batch was stored.</summary>
        void Fail(Exception error);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken) : IPendingWrite
    {
        private readonly TaskCompletionSource<T> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _outcome.Task;

        public bool CancelIfRequested() => cancellationToken.IsCancellationRequested && _outcome.TrySetCanceled(cancellationToken);

        public async Task<bool> RunAsync(SqliteConnection connection)
        {
            try
            {
                _result = await write(connection, cancellationToken);
                return true;
            }
            catch (Exception e)
            {
                _error = e;
                return false;
            }
        }

        public void Complete()
        {
            if (_error is OperationCanceledException cancelled)
            {
                _outcome.TrySetCanceled(cancelled.CancellationToken);
            }
            else if (_error is not null)
            {
                _outcome.TrySetException(_error);
            }
            else
            {
                _outcome.TrySetResult(_result!);
            }
        }

        public void Fail(Exception error) => _outcome.TrySetException(error);
    }
}
