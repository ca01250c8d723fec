using FedN.Storage.Azure;
using FedN.Storage.Metadata;

namespace FedN.Infrastructure;

/// <summary>FedN's Cosmos DB database: the containers the metadata store uses, each partitioned as it expects.</summary>
public sealed record CosmosDescription
{
    /// <summary>The database.</summary>
    public string DatabaseName { get; init; } = new CosmosMetadataStoreOptions().DatabaseName;

    /// <summary>Every container the store reads and writes (it checks they all exist at start).</summary>
    public IReadOnlyList<string> Containers { get; init; } = MetadataContainers.All;

    /// <summary>The partition key path of every container.</summary>
    public string PartitionKeyPath { get; init; } = CosmosMetadataStore.PartitionKeyPath;

    /// <summary>Shared database throughput in RU/s; <see langword="null"/> on a serverless account.</summary>
    public int? Throughput { get; init; }

    /// <summary>Whether the account is serverless (billed per request, no minimum).</summary>
    public bool Serverless => Throughput is null;
}
