using FedN.Storage.Embedded;

namespace FedN.Storage.Tests;

/// <summary>The embedded server's SQLite file: its per-connection settings.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedn-sqlite-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Every_connection_waits_for_locks_syncs_each_commit_and_maps_the_file_whether_fresh_or_from_the_pool()
    {
        var database = await SqliteDatabase.OpenAsync(Path.Combine(_directory, "fedn.db"), CancellationToken.None);

        // Set once per SQLite handle: reused from the pool, and again after the pool is cleared.
        for (var open = 0; open < 6; open++)
        {
            if (open == 3)
            {
                database.ClearPool();
            }

            await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
            Assert.Equal((30_000L, 2L, SqliteDatabase.MemoryMapBytes), (await PragmaAsync(connection, "busy_timeout"), await PragmaAsync(connection, "synchronous"), await PragmaAsync(connection, "mmap_size")));
        }
    }

    private static async Task<long> PragmaAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string name)
    {
        await using var command = SqliteDatabase.Command(connection, $"PRAGMA {name}");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
