using FedN.Contracts.Messaging;
using FedN.Storage;
using FedN.Storage.Metadata;

namespace FedN.Reducer;

/// <summary>What the reducer's activities read and write: the three stores and the client channel.</summary>
/// <param name="Blobs">Models, updates, partials and round working data.</param>
/// <param name="Queues">The combiners' intake.</param>
/// <param name="Metadata">Sessions, rounds, the model trail, clients, validations, events.</param>
/// <param name="Channel">Pushes tasks to clients.</param>
public sealed record ReducerStores(IBlobStore Blobs, IQueueStore Queues, FederationMetadata Metadata, IClientChannel Channel);
