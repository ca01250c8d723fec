using System.Collections.Concurrent;
using System.Net.WebSockets;
using FedN.Contracts.Messaging;
using Microsoft.Extensions.Logging;

namespace FedN.Client;

/// <summary>
/// Delivers a task's report: sends it until a connection acks it, across reconnects, then waits for
/// the server's receipt (accepted, or refused with a reason). An ack without a receipt (the connection
/// dropped in between) counts as delivered: sending it again could only be refused as a repeat.
/// </summary>
internal sealed class ReportDelivery(ConnectionLoop connections, FedNClientOptions options, TimeProvider time, ILogger logger, Action<ClientProgressEventArgs> raise)
{
    private readonly ConcurrentDictionary<(string Event, string TaskId), TaskCompletionSource<ReportReceipt>> _receipts = new();

    /// <summary>Takes a receipt from the server; one nobody waits for (late, or for another task) is dropped.</summary>
    public void Receive(ReportReceipt receipt)
    {
        if (receipt.TaskId is { } taskId && _receipts.TryGetValue((receipt.Event, taskId), out var waiting))
        {
            waiting.TrySetResult(receipt);
        }
    }

    /// <summary>Sends <paramref name="report"/> as event <paramref name="eventName"/> for <paramref name="task"/> and waits for its receipt.</summary>
    /// <exception cref="InvalidOperationException">The hub refused the event itself (forbidden or malformed): sending it again would not help.</exception>
    public async Task DeliverAsync<T>(ClientTask task, string eventName, T report, CancellationToken cancellationToken)
    {
        var receipt = new TaskCompletionSource<ReportReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        _receipts[(eventName, task.TaskId)] = receipt;
        try
        {
            var connection = await connections.CurrentAsync(cancellationToken);
            for (var failures = 0; ; failures++)
            {
                Ack ack;
                try
                {
                    ack = await connection.SendEventAsync(eventName, report, options.AckTimeout, attempts: 3, cancellationToken);
                }
                catch (WebSocketException)
                {
                    connection = await connections.NextAfterAsync(connection, cancellationToken);
                    continue;
                }

                if (!ack.Success)
                {
                    if (ack.Error is WebPubSubProtocol.ForbiddenError or WebPubSubProtocol.BadRequestError)
                    {
                        throw new InvalidOperationException($"the server refused the '{eventName}' event: {ack.Error}: {ack.Message}");
                    }

                    await Task.Delay(Backoff.After(failures, options), time, cancellationToken);
                    connection = await connections.CurrentAsync(cancellationToken);
                    continue;
                }

                await ((Task)receipt.Task).WaitAsync(options.ReceiptTimeout, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                if (receipt.Task.IsCompletedSuccessfully)
                {
                    var result = receipt.Task.Result;
                    var outcome = result.Accepted ? "accepted" : $"refused: {result.Reason}";
                    logger.Reported(task.TaskId, eventName, outcome);
                    raise(new ClientProgressEventArgs(ClientStage.Reported, task.TaskId, task.Round, message: outcome));
                }
                else
                {
                    raise(new ClientProgressEventArgs(ClientStage.Reported, task.TaskId, task.Round, message: "delivered (no receipt)"));
                }

                return;
            }
        }
        finally
        {
            _receipts.TryRemove((eventName, task.TaskId), out _);
        }
    }
}
