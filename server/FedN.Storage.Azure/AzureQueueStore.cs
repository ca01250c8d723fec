using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using FedN.Storage;

namespace FedN.Storage.Azure;

/// <summary>
/// <see cref="IQueueStore"/> on Azure Queue Storage. Messages travel base64-encoded, so any text is
/// safe in the service's XML envelope; a queue is created on its first message.
/// </summary>
public sealed class AzureQueueStore : IQueueStore
{
    private readonly QueueServiceClient _service;
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    private readonly QueueArrivals _arrivals = new();

    /// <summary>Wraps a service client (for example one authenticated with a managed identity).</summary>
    public AzureQueueStore(QueueServiceClient service) => _service = service ?? throw new ArgumentNullException(nameof(service));

    /// <summary>Connects with a storage connection string (key <c>FedN:Storage:ConnectionString</c>).</summary>
    public static AzureQueueStore Create(string connectionString) => new(new QueueServiceClient(connectionString, ClientOptions()));

    /// <summary>Connects to the queue service at <paramref name="queueServiceUri"/> as <paramref name="credential"/> (a managed identity on Azure).</summary>
    public static AzureQueueStore Create(Uri queueServiceUri, TokenCredential credential) => new(new QueueServiceClient(queueServiceUri, credential, ClientOptions()));

    private static QueueClientOptions ClientOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    /// <inheritdoc />
    public async Task EnqueueAsync(string queue, string message, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateMessage(message);
        var client = Queue(queue);
        try
        {
            await client.SendMessageAsync(message, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "QueueNotFound")
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await client.SendMessageAsync(message, cancellationToken);
        }

        _arrivals.Signal(queue);
    }

    /// <inheritdoc />
    public Task NextArrival(string queue) => _arrivals.Next(QueueName.Validate(queue));

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateReceive(maxMessages, visibilityTimeout);
        try
        {
            var received = await Queue(queue).ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken);
            return [.. received.Value.Select(m => new QueueMessage(m.MessageId, m.PopReceipt, m.Body.ToString(), m.DequeueCount))];
        }
        catch (RequestFailedException e) when (e.ErrorCode == "QueueNotFound")
        {
            return [];
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteMessageAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await Queue(queue).DeleteMessageAsync(message.Id, message.Receipt, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.ErrorCode is "MessageNotFound" or "PopReceiptMismatch" or "QueueNotFound")
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task DeleteQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        await Queue(queue).DeleteIfExistsAsync(cancellationToken);
        _queues.TryRemove(queue, out _);
        _arrivals.Signal(queue);
    }

    private QueueClient Queue(string name) => _queues.GetOrAdd(QueueName.Validate(name), _service.GetQueueClient);
}
