using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedN.Storage.Metadata;
using Microsoft.Data.Sqlite;

namespace FedN.Storage.Embedded;

/// <summary>
/// Metadata in one SQLite file (write-ahead log, full sync): durable across restarts, and safe for
/// two server processes sharing the data directory, since every write runs in an immediate
/// transaction (the file's group commit) and SQLite's file locks serialize writers across processes.
/// </summary>
public sealed class SqliteMetadataStore : IMetadataStore, IDisposable
{
    private readonly SqliteDatabase _database;

    private SqliteMetadataStore(SqliteDatabase database) => _database = database;

    /// <summary>Opens the store in <paramref name="databasePath"/>, creating the file and its schema if needed.</summary>
    /// <exception cref="MetadataStoreException">The file was written by a newer FedN.</exception>
    public static async Task<SqliteMetadataStore> OpenAsync(string databasePath, CancellationToken cancellationToken = default) =>
        new(await SqliteDatabase.OpenAsync(databasePath, cancellationToken));

    /// <inheritdoc />
    public Task<MetadataDocument> CreateAsync(string container, MetadataDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, "INSERT INTO documents (container, partition, id, sort, etag, body) VALUES ($container, $partition, $id, $sort, $etag, $body)");
            var stored = Bind(command, container, document);
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteDatabase.ConstraintViolation)
            {
                throw new MetadataAlreadyExistsException(container, document.Key, e);
            }

            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MetadataDocument?> ReadAsync(string container, MetadataKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, container, key, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MetadataDocument> ReplaceAsync(string container, MetadataDocument document, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, "UPDATE documents SET sort = $sort, etag = $etag, body = $body WHERE container = $container AND partition = $partition AND id = $id AND etag = $ifMatch");
            var stored = Bind(command, container, document);
            command.Parameters.AddWithValue("$ifMatch", ifMatch);
            if (await command.ExecuteNonQueryAsync(ct) == 0)
            {
                throw await ReadAsync(connection, container, document.Key, ct) is null
                    ? new MetadataNotFoundException(container, document.Key)
                    : new MetadataConflictException(container, document.Key);
            }

            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MetadataDocument> UpsertAsync(string container, MetadataDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, """
                INSERT INTO documents (container, partition, id, sort, etag, body) VALUES ($container, $partition, $id, $sort, $etag, $body)
                ON CONFLICT (container, partition, id) DO UPDATE SET sort = excluded.sort, etag = excluded.etag, body = excluded.body
                """);
            var stored = Bind(command, container, document);
            await command.ExecuteNonQueryAsync(ct);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MetadataDocument> PatchAsync(string container, MetadataKey key, IReadOnlyList<MetadataPatch> operations, string? ifMatch = null, MetadataFilter? onlyIf = null, CancellationToken cancellationToken = default)
    {
        MetadataPatch.Validate(operations);

        // The group commit's transaction holds the write lock from before the read, so no other
        // writer (in this process or another) can slip in between reading the document and writing it back.
        return _database.WriteAsync(async (connection, ct) =>
        {
            var current = await ReadAsync(connection, container, key, ct) ?? throw new MetadataNotFoundException(container, key);
            if ((ifMatch is not null && ifMatch != current.ETag) || (onlyIf is not null && !onlyIf.Matches(current.Body)))
            {
                throw new MetadataConflictException(container, key);
            }

            var body = JsonSerializer.SerializeToNode(current.Body)!.AsObject();
            foreach (var operation in operations)
            {
                operation.ApplyTo(body);
            }

            await using var command = SqliteDatabase.Command(connection, "UPDATE documents SET etag = $etag, body = $body WHERE container = $container AND partition = $partition AND id = $id");
            var patched = Bind(command, container, current with { Body = JsonSerializer.SerializeToElement(body) });
            await command.ExecuteNonQueryAsync(ct);
            return patched;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string container, MetadataKey key, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(async (connection, ct) =>
        {
            await using var command = SqliteDatabase.Command(connection, "DELETE FROM documents WHERE container = $container AND partition = $partition AND id = $id AND ($ifMatch IS NULL OR etag = $ifMatch)");
            BindKey(command, container, key);
            command.Parameters.AddWithValue("$ifMatch", (object?)ifMatch ?? DBNull.Value);
            if (await command.ExecuteNonQueryAsync(ct) > 0)
            {
                return true;
            }

            return ifMatch is not null && await ReadAsync(connection, container, key, ct) is not null
                ? throw new MetadataConflictException(container, key)
                : false;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<MetadataPage> QueryAsync(string container, MetadataQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT partition, id, sort, etag, body FROM documents WHERE container = $container");
        command.Parameters.AddWithValue("$container", container);
        if (query.Partition is not null)
        {
            sql.Append(" AND partition = $partition");
            command.Parameters.AddWithValue("$partition", query.Partition);
        }

        for (var i = 0; i < query.Filters.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(body, $path{i}) = $value{i}");
            command.Parameters.AddWithValue($"$path{i}", "$." + query.Filters[i].Field);
            command.Parameters.AddWithValue($"$value{i}", query.Filters[i].Value);
        }

        var order = query.Descending ? "DESC" : "ASC";
        if (query.ContinuationToken is not null)
        {
            var (sort, partition, id) = Position.Decode(query.ContinuationToken);
            sql.Append(query.Descending ? " AND (sort, partition, id) < ($afterSort, $afterPartition, $afterId)" : " AND (sort, partition, id) > ($afterSort, $afterPartition, $afterId)");
            command.Parameters.AddWithValue("$afterSort", sort);
            command.Parameters.AddWithValue("$afterPartition", partition);
            command.Parameters.AddWithValue("$afterId", id);
        }

        // One row more than the page tells whether there is a next page without a second query.
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY sort {order}, partition {order}, id {order} LIMIT {query.PageSize + 1}");
        command.CommandText = sql.ToString();
        List<MetadataDocument> documents = [];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                documents.Add(new MetadataDocument(new MetadataKey(reader.GetString(0), reader.GetString(1)), reader.GetString(2), ParseBody(reader.GetString(4)), reader.GetString(3)));
            }
        }

        if (documents.Count <= query.PageSize)
        {
            return new MetadataPage(documents, null);
        }

        documents.RemoveAt(documents.Count - 1);
        var last = documents[^1];
        return new MetadataPage(documents, Position.Encode(last.SortKey, last.Key.Partition, last.Key.Id));
    }

    /// <summary>Closes the pooled connections to the file.</summary>
    public void Dispose() => _database.ClearPool();

    private static async Task<MetadataDocument?> ReadAsync(SqliteConnection connection, string container, MetadataKey key, CancellationToken cancellationToken)
    {
        await using var command = SqliteDatabase.Command(connection, "SELECT sort, etag, body FROM documents WHERE container = $container AND partition = $partition AND id = $id");
        BindKey(command, container, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MetadataDocument(key, reader.GetString(0), ParseBody(reader.GetString(2)), reader.GetString(1))
            : null;
    }

    /// <summary>Binds the key, sort key, body and a fresh ETag; returns the document as it will be stored.</summary>
    private static MetadataDocument Bind(SqliteCommand command, string container, MetadataDocument document)
    {
        if (document.Body.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"a metadata document must be a JSON object, not {document.Body.ValueKind}", nameof(document));
        }

        // A fresh random ETag (not a counter), so a document deleted and created again never
        // matches an ETag read before the delete.
        var stored = document with { ETag = Guid.NewGuid().ToString("N") };
        BindKey(command, container, document.Key);
        command.Parameters.AddWithValue("$sort", document.SortKey);
        command.Parameters.AddWithValue("$etag", stored.ETag);
        command.Parameters.AddWithValue("$body", document.Body.GetRawText());
        return stored;
    }

    private static void BindKey(SqliteCommand command, string container, MetadataKey key)
    {
        command.Parameters.AddWithValue("$container", container);
        command.Parameters.AddWithValue("$partition", key.Partition);
        command.Parameters.AddWithValue("$id", key.Id);
    }

    private static JsonElement ParseBody(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    /// <summary>A continuation token: where the last page ended, as (sort key, partition, id).</summary>
    private static class Position
    {
        public static string Encode(string sort, string partition, string id) =>
            Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { sort, partition, id }));

        public static (string Sort, string Partition, string Id) Decode(string token)
        {
            try
            {
                var parts = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(token));
                if (parts is [{ } sort, { } partition, { } id])
                {
                    return (sort, partition, id);
                }
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
            }

            throw new ArgumentException("the continuation token is not one this store issued; start the query again without it", nameof(token));
        }
    }
}
