using System.Globalization;
using FedN.Storage;
using Microsoft.Data.Sqlite;

namespace FedN.Storage.Embedded;

/// <summary>
/// Queues in the embedded server's SQLite file: durable, and shared by every process that opens
/// the file. A receive is one statement that takes and hides messages together, so two consumers
/// never get the same message while it is hidden.
/// </summary>
public sealed class SqliteQueueStore : IQueueStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly QueueArrivals _arrivals = new();

    private SqliteQueueStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Opens the queues in <paramref name="databasePath"/> (the same file as the metadata is fine), creating it if needed.</summary>
    public static async Task<SqliteQueueStore> OpenAsync(string databasePath, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        new(await SqliteDatabase.OpenAsync(databasePath, cancellationToken), timeProvider ?? TimeProvider.System);

    /// <inheritdoc />
    public async Task EnqueueAsync(string queue, string message, CancellationToken cancellationToken = default)
    {
        QueueName.Validate(queue);
        QueueLimits.ValidateMessage(message);
        await _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, "INSERT INTO queue_messages (queue, body, visible_at) VALUES ($queue, $body, 0)");
            command.Parameters.AddWithValue("$queue", queue);
            command.Parameters.AddWithValue("$body", message);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        _arrivals.Signal(queue);
    }

    /// <inheritdoc />
    public Task NextArrival(string queue) => _arrivals.Next(QueueName.Validate(queue));

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueName.Validate(queue);
        QueueLimits.ValidateReceive(maxMessages, visibilityTimeout);
        return _database.WriteAsync((connection, ct) => ReceiveAsync(connection, queue, maxMessages, visibilityTimeout, ct), cancellationToken);
    }

    private async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(SqliteConnection connection, string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var receipt = Guid.NewGuid().ToString("N");
        await using var command = SqliteDatabase.Command(connection, """
            UPDATE queue_messages SET visible_at = $hiddenUntil, dequeue_count = dequeue_count + 1, receipt = $receipt
            WHERE id IN (SELECT id FROM queue_messages WHERE queue = $queue AND visible_at <= $now ORDER BY id LIMIT $max)
            RETURNING id, body, dequeue_count
            """);
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        command.Parameters.AddWithValue("$hiddenUntil", (now + visibilityTimeout).UtcTicks);
        command.Parameters.AddWithValue("$receipt", receipt);
        command.Parameters.AddWithValue("$max", maxMessages);
        List<(long Id, QueueMessage Message)> received = [];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                received.Add((id, new QueueMessage(id.ToString(CultureInfo.InvariantCulture), receipt, reader.GetString(1), reader.GetInt64(2))));
            }
        }

        return [.. received.OrderBy(m => m.Id).Select(m => m.Message)];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteMessageAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default)
    {
        QueueName.Validate(queue);
        ArgumentNullException.ThrowIfNull(message);
        if (!long.TryParse(message.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        return await _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, "DELETE FROM queue_messages WHERE id = $id AND queue = $queue AND receipt = $receipt");
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$queue", queue);
            command.Parameters.AddWithValue("$receipt", message.Receipt);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        QueueName.Validate(queue);
        await _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, "DELETE FROM queue_messages WHERE queue = $queue");
            command.Parameters.AddWithValue("$queue", queue);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        _arrivals.Signal(queue);
    }

    /// <summary>Closes the pooled connections to the file.</summary>
    public void Dispose() => _database.ClearPool();
}
