using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using FedN.Contracts;
using FedN.Core;
using FedN.Storage.Metadata;
using Microsoft.Azure.Cosmos;

namespace FedN.Storage.Azure;

/// <summary>
/// <see cref="IMetadataStore"/> on Azure Cosmos DB (NoSQL API): one container per record kind
/// (<see cref="MetadataContainers"/>), each partitioned by <c>/pk</c>, which holds what that kind is
/// partitioned by. A document is <c>{ "id", "pk", "sort", "body": { the record } }</c>; ETags are
/// Cosmos DB's own, patches are Cosmos DB patches, queries are ordered by <c>sort</c> and paged with
/// the service's continuation tokens. Throttling (429) and transient faults are retried by the SDK
/// (<see cref="CosmosMetadataStoreOptions"/>).
/// </summary>
public sealed class CosmosMetadataStore : IMetadataStore, IDisposable
{
    /// <summary>The partition key path of every FedN container.</summary>
    public const string PartitionKeyPath = "/pk";

    private readonly CosmosClient _client;
    private readonly Database _database;
    private readonly bool _ownsClient;

    /// <summary>Wraps a client (for example one authenticated with a managed identity) and a database whose containers exist.</summary>
    public CosmosMetadataStore(CosmosClient client, string databaseName)
        : this(client, databaseName, ownsClient: false)
    {
    }

    private CosmosMetadataStore(CosmosClient client, string databaseName, bool ownsClient)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _database = client.GetDatabase(databaseName);
        _ownsClient = ownsClient;
    }

    /// <summary>Connects with <see cref="CosmosMetadataStoreOptions.ConnectionString"/>, creating the database and containers when allowed.</summary>
    /// <exception cref="ArgumentException">The options are incomplete.</exception>
    public static async Task<CosmosMetadataStore> CreateAsync(CosmosMetadataStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException($"no Cosmos DB connection string: set {CosmosMetadataStoreOptions.Section}:ConnectionString (AccountEndpoint=...;AccountKey=...;)", nameof(options));
        }

        if (options.Emulator)
        {
            RequireLoopback(options.ConnectionString);
        }

        return await OpenAsync(
            new CosmosClient(options.ConnectionString, CreateClientOptions(options)),
            options.DatabaseName,
            store => options.CreateIfMissing ? store.CreateContainersAsync(options.DatabaseThroughput, cancellationToken) : Task.CompletedTask);
    }

    /// <summary>
    /// Connects to <see cref="CosmosMetadataStoreOptions.AccountEndpoint"/> as <paramref name="credential"/>
    /// (a managed identity with the Cosmos DB data contributor role) and checks that the database
    /// and every container exist, since that role cannot create them.
    /// </summary>
    /// <exception cref="ArgumentException">The options have no endpoint, or ask for the emulator.</exception>
    /// <exception cref="InvalidOperationException">The database or a container is missing.</exception>
    public static async Task<CosmosMetadataStore> CreateAsync(CosmosMetadataStoreOptions options, TokenCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        if (options.AccountEndpoint is null)
        {
            throw new ArgumentException($"no Cosmos DB endpoint: set {CosmosMetadataStoreOptions.Section}:AccountEndpoint (https://<account>.documents.azure.com:443/)", nameof(options));
        }

        if (options.Emulator)
        {
            throw new ArgumentException($"{CosmosMetadataStoreOptions.Section}:Emulator works with the emulator's connection string only, not with {CosmosMetadataStoreOptions.Section}:AccountEndpoint", nameof(options));
        }

        return await OpenAsync(
            new CosmosClient(options.AccountEndpoint.AbsoluteUri, credential, CreateClientOptions(options)),
            options.DatabaseName,
            store => store.RequireContainersAsync(cancellationToken));
    }

    /// <summary>Whether the connection string's <c>AccountEndpoint</c> is on this machine (loopback or <c>localhost</c>): the only place an emulator may be.</summary>
    public static bool IsLocalEndpoint(string connectionString) =>
        Uri.TryCreate(AccountEndpoint(connectionString ?? ""), UriKind.Absolute, out var uri)
        && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));

    /// <summary>The SDK settings FedN uses: retries on throttling, System.Text.Json, and the emulator's compatibility layer when asked for.</summary>
    public static CosmosClientOptions CreateClientOptions(CosmosMetadataStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "FedN",
            MaxRetryAttemptsOnRateLimitedRequests = options.MaxRetryAttemptsOnRateLimitedRequests,
            MaxRetryWaitTimeOnRateLimitedRequests = options.MaxRetryWaitTimeOnRateLimitedRequests,
            RequestTimeout = options.RequestTimeout,
            UseSystemTextJsonSerializerWithOptions = FedNJson.Options,
        };
        if (options.Emulator)
        {
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            clientOptions.HttpClientFactory = CosmosEmulatorCompatibilityHandler.CreateHttpClient;
        }

        return clientOptions;
    }

    /// <inheritdoc />
    public async Task<MetadataDocument> CreateAsync(string container, MetadataDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var response = await Container(container).CreateItemStreamAsync(Envelope(document), PartitionOf(document.Key), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new MetadataAlreadyExistsException(container, document.Key);
        }

        return Stored(container, document.Key, response);
    }

    /// <inheritdoc />
    public async Task<MetadataDocument?> ReadAsync(string container, MetadataKey key, CancellationToken cancellationToken = default)
    {
        using var response = await Container(container).ReadItemStreamAsync(key.Id, PartitionOf(key), cancellationToken: cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : Stored(container, key, response);
    }

    /// <inheritdoc />
    public async Task<MetadataDocument> ReplaceAsync(string container, MetadataDocument document, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        using var response = await Container(container).ReplaceItemStreamAsync(
            Envelope(document), document.Key.Id, PartitionOf(document.Key), new ItemRequestOptions { IfMatchEtag = ifMatch }, cancellationToken);
        return Stored(container, document.Key, response);
    }

    /// <inheritdoc />
    public async Task<MetadataDocument> UpsertAsync(string container, MetadataDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var response = await Container(container).UpsertItemStreamAsync(Envelope(document), PartitionOf(document.Key), cancellationToken: cancellationToken);
        return Stored(container, document.Key, response);
    }

    /// <inheritdoc />
    public async Task<MetadataDocument> PatchAsync(string container, MetadataKey key, IReadOnlyList<MetadataPatch> operations, string? ifMatch = null, MetadataFilter? onlyIf = null, CancellationToken cancellationToken = default)
    {
        MetadataPatch.Validate(operations);
        var patch = operations.Select(operation => operation.Kind == MetadataPatchKind.Increment
            ? PatchOperation.Increment("/body" + operation.Path, operation.Value.GetInt64())
            : PatchOperation.Set("/body" + operation.Path, operation.Value)).ToList();
        using var response = await Container(container).PatchItemStreamAsync(
            key.Id, PartitionOf(key), patch, new PatchItemRequestOptions
            {
                IfMatchEtag = ifMatch,

                // A filter predicate takes no parameters: the value goes in as a JSON literal, which
                // Cosmos DB's SQL reads as the same string, number or Boolean; the field is a validated identifier.
                FilterPredicate = onlyIf is null ? null : $"FROM c WHERE c.body.{onlyIf.Field} = {JsonSerializer.Serialize(onlyIf.Value)}",
            }, cancellationToken);
        return Stored(container, key, response);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, MetadataKey key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var response = await Container(container).DeleteItemStreamAsync(key.Id, PartitionOf(key), new ItemRequestOptions { IfMatchEtag = ifMatch }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        ThrowOnFailure(container, key, response);
        return true;
    }

    /// <inheritdoc />
    public async Task<MetadataPage> QueryAsync(string container, MetadataQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        List<string> conditions = [];
        var parameters = new List<(string Name, object Value)>();
        if (query.Partition is not null)
        {
            // Redundant with the request's partition key, but it keeps the query meaning the same
            // whoever routes it (the emulator, for one, requires it in the text).
            conditions.Add("c.pk = @partition");
            parameters.Add(("@partition", query.Partition));
        }

        for (var i = 0; i < query.Filters.Count; i++)
        {
            // Field names are validated identifiers (MetadataPath), so naming them inline is safe.
            conditions.Add($"c.body.{query.Filters[i].Field} = @value{i}");
            parameters.Add(($"@value{i}", query.Filters[i].Value));
        }

        var sql = new StringBuilder("SELECT * FROM c");
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(query.Descending ? " ORDER BY c.sort DESC" : " ORDER BY c.sort ASC");
        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition.WithParameter(name, value);
        }

        var options = new QueryRequestOptions
        {
            MaxItemCount = query.PageSize,
            PartitionKey = query.Partition is null ? null : new PartitionKey(query.Partition),
        };
        var continuation = query.ContinuationToken;
        List<MetadataDocument> documents = [];

        // The service may return an empty page with a continuation (it stopped early); keep reading
        // until there are documents or nothing is left, so an empty page always means the end.
        do
        {
            using var iterator = Container(container).GetItemQueryStreamIterator(definition, continuation, options);
            if (!iterator.HasMoreResults)
            {
                break;
            }

            using var response = await iterator.ReadNextAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.BadRequest && query.ContinuationToken is not null)
            {
                throw new ArgumentException($"the continuation token was not accepted ({response.ErrorMessage}); start the query again without it", nameof(query));
            }

            ThrowOnFailure(container, null, response);
            using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
            foreach (var item in page.RootElement.GetProperty("Documents").EnumerateArray())
            {
                documents.Add(FromEnvelope(item));
            }

            continuation = response.ContinuationToken;
        }
        while (documents.Count == 0 && continuation is not null);

        return new MetadataPage(documents, continuation);
    }

    /// <summary>Disposes the client if this store created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task CreateContainersAsync(int? databaseThroughput, CancellationToken cancellationToken)
    {
        var database = await _client.CreateDatabaseIfNotExistsAsync(_database.Id, databaseThroughput, cancellationToken: cancellationToken);
        foreach (var name in MetadataContainers.All)
        {
            await database.Database.CreateContainerIfNotExistsAsync(new ContainerProperties(name, PartitionKeyPath), cancellationToken: cancellationToken);
        }
    }

    /// <summary>A store owning <paramref name="client"/>, once <paramref name="prepare"/> has succeeded; the client is disposed if it fails.</summary>
    private static async Task<CosmosMetadataStore> OpenAsync(CosmosClient client, string databaseName, Func<CosmosMetadataStore, Task> prepare)
    {
        var store = new CosmosMetadataStore(client, databaseName, ownsClient: true);
        try
        {
            await prepare(store);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private async Task RequireContainersAsync(CancellationToken cancellationToken)
    {
        foreach (var name in MetadataContainers.All)
        {
            try
            {
                await _database.GetContainer(name).ReadContainerAsync(cancellationToken: cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new InvalidOperationException(
                    $"Cosmos DB has no container '{name}' in database '{_database.Id}' at {_client.Endpoint}; " +
                    "the infrastructure creates FedN's database and containers (run 'pulumi up' in infra/)", e);
            }
        }
    }

    /// <summary>
    /// The compatibility layer accepts any certificate, so it may only ever talk to an emulator on
    /// this machine: refuse it for any other endpoint, whatever the configuration says.
    /// </summary>
    private static void RequireLoopback(string connectionString)
    {
        if (!IsLocalEndpoint(connectionString))
        {
            throw new ArgumentException($"{CosmosMetadataStoreOptions.Section}:Emulator is set, but the account endpoint '{AccountEndpoint(connectionString)}' is not on this machine; the emulator compatibility layer is only for a local emulator (127.0.0.1)");
        }
    }

    private static string? AccountEndpoint(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0].Equals("AccountEndpoint", StringComparison.OrdinalIgnoreCase))?[1];

    private Container Container(string name) => _database.GetContainer(name);

    private static PartitionKey PartitionOf(MetadataKey key) => new(key.Partition);

    private static MemoryStream Envelope(MetadataDocument document)
    {
        if (document.Body.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"a metadata document must be a JSON object, not {document.Body.ValueKind}", nameof(document));
        }

        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", document.Key.Id);
            writer.WriteString("pk", document.Key.Partition);
            writer.WriteString("sort", document.SortKey);
            writer.WritePropertyName("body");
            document.Body.WriteTo(writer);
            writer.WriteEndObject();
        }

        stream.Position = 0;
        return stream;
    }

    private static MetadataDocument FromEnvelope(JsonElement item) => new(
        new MetadataKey(item.GetProperty("pk").GetString()!, item.GetProperty("id").GetString()!),
        item.GetProperty("sort").GetString()!,
        item.GetProperty("body").Clone(),
        item.GetProperty("_etag").GetString());

    private static MetadataDocument Stored(string container, MetadataKey key, ResponseMessage response)
    {
        ThrowOnFailure(container, key, response);
        using var document = JsonDocument.Parse(response.Content);
        return FromEnvelope(document.RootElement);
    }

    private static void ThrowOnFailure(string container, MetadataKey? key, ResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var what = key is { } named ? $"{container} record '{named}'" : $"query on {container}";
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound when key is { } missing => new MetadataNotFoundException(container, missing),
            HttpStatusCode.PreconditionFailed when key is { } changed => new MetadataConflictException(container, changed),
            HttpStatusCode.TooManyRequests => new MetadataStoreException($"{what}: Cosmos DB is still throttling (429) after the SDK's retries; raise the throughput or the retry limits ({CosmosMetadataStoreOptions.Section})"),
            _ => new MetadataStoreException($"{what}: Cosmos DB answered {(int)response.StatusCode} {response.StatusCode}: {response.ErrorMessage}"),
        };
    }
}
