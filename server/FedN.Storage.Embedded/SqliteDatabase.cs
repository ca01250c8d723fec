using System.Globalization;
using System.Runtime.CompilerServices;
using FedN.Storage.Metadata;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FedN.Storage.Embedded;

/// <summary>
/// The embedded server's SQLite file (write-ahead log, full sync) and its schema, shared by the
/// metadata store and the intake queues. Writes go through the file's group commit
/// (<see cref="SqliteGroupCommit"/>); reads use pooled connections. Every connection waits inside
/// SQLite for another writer's lock, so several processes can share the file.
/// </summary>
internal sealed class SqliteDatabase
{
    /// <summary>The schema this code writes; a newer file is refused rather than misread.</summary>
    public const int SchemaVersion = 1;

    /// <summary>SQLite's result code for a constraint violation (a duplicate key).</summary>
    public const int ConstraintViolation = 19;

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How much of the database file a connection reads through a memory map.</summary>
    public const long MemoryMapBytes = 256L << 20;

    // The SQLite handles that have FedN's per-connection settings. A pooled connection keeps its
    // handle, and the settings with it: they are set once per handle, not at every open (every read).
    private static readonly ConditionalWeakTable<sqlite3, object> Configured = [];

    private readonly string _connectionString;
    private readonly SqliteGroupCommit _writer;

    private SqliteDatabase(string connectionString, string fullPath)
    {
        _connectionString = connectionString;
        _writer = SqliteGroupCommit.For(fullPath, OpenConnectionAsync);
    }

    /// <summary>Opens <paramref name="path"/>, creating the file and its schema if needed.</summary>
    /// <exception cref="MetadataStoreException">The file is damaged (it fails SQLite's quick check) or was written by a newer FedN.</exception>
    public static async Task<SqliteDatabase> OpenAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var database = new SqliteDatabase(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString(), Path.GetFullPath(path));
        SqliteConnection connection;
        try
        {
            connection = await database.OpenConnectionAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw Damaged(path, e.Message, e);
        }

        await using var opened = connection;

        // A damaged file would start and then fail every request: check it once, here.
        string check;
        try
        {
            check = Convert.ToString(await Scalar(connection, "PRAGMA quick_check", cancellationToken), CultureInfo.InvariantCulture) ?? "";
        }
        catch (SqliteException e)
        {
            throw Damaged(path, e.Message, e);
        }

        if (!string.Equals(check, "ok", StringComparison.Ordinal))
        {
            throw Damaged(path, check, null);
        }

        var version = Convert.ToInt32(await Scalar(connection, "PRAGMA user_version", cancellationToken), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new MetadataStoreException($"database '{path}' has schema version {version}, newer than this FedN understands ({SchemaVersion}); upgrade FedN");
        }

        await Execute(connection, """
            PRAGMA journal_mode = WAL;
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS documents (
                container TEXT NOT NULL,
                partition TEXT NOT NULL,
                id        TEXT NOT NULL,
                sort      TEXT NOT NULL,
                etag      TEXT NOT NULL,
                body      TEXT NOT NULL,
                PRIMARY KEY (container, partition, id)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS documents_in_partition ON documents (container, partition, sort, id);
            CREATE INDEX IF NOT EXISTS documents_across_partitions ON documents (container, sort, partition, id);
            CREATE TABLE IF NOT EXISTS queue_messages (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                queue         TEXT NOT NULL,
                body          TEXT NOT NULL,
                visible_at    INTEGER NOT NULL,
                dequeue_count INTEGER NOT NULL DEFAULT 0,
                receipt       TEXT
            );
            CREATE INDEX IF NOT EXISTS queue_messages_visible ON queue_messages (queue, visible_at, id);
            PRAGMA user_version = 1;
            COMMIT;
            """, cancellationToken);
        return database;
    }

    private static MetadataStoreException Damaged(string path, string finding, Exception? inner) => new(
        $"database '{path}' is damaged ({finding.Trim()}); the server will not start on it. Stop every server using it, then restore it from a backup, " +
        $"or recover what can be read with 'sqlite3 \"{path}\" .recover | sqlite3 recovered.db' and put recovered.db in its place", inner);

    /// <summary>Opens a (pooled) connection with FedN's per-connection settings.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per connection: wait for another writer's lock inside SQLite (fine-grained) rather than
            // failing at once, make every commit reach the disk before it returns, and read the
            // database file's pages through a memory map (the log's pages are still read with
            // pread): 11 pread calls per update became 7 in the load bench. Writes never go through
            // the map.
            var handle = connection.Handle!;
            if (!Configured.TryGetValue(handle, out _))
            {
                await Execute(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL; PRAGMA mmap_size = {MemoryMapBytes};", cancellationToken);
                Configured.AddOrUpdate(handle, handle);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> (statements on the connection it is given, no transaction of its
    /// own) in this process's next group commit of the file; completes once it is on the disk.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        _writer.WriteAsync(write, cancellationToken);

    /// <summary>Closes the pooled connections to the file.</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>A command on <paramref name="connection"/>.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Runs statements that return nothing.</summary>
    public static async Task Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
