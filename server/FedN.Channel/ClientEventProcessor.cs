using System.Collections.Concurrent;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Messaging;
using FedN.Core;
using FedN.Storage.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedN.Channel;

/// <summary>
/// What happens when a client connects, disconnects or sends an event: the one handler that the local
/// hub and the Azure Web PubSub triggers both call. The client id is the authenticated connection's
/// user id, never a field of the event, so a client can only report for itself.
/// </summary>
public sealed class ClientEventProcessor(IClientReports reports, FederationMetadata metadata, ILogger<ClientEventProcessor>? logger = null, TimeProvider? timeProvider = null, string? node = null)
{
    /// <summary>
    /// Heartbeats closer together than this are not written: the record only has to stay well inside
    /// <see cref="ClientLiveness.SilenceLimit"/>, and one write per heartbeat per client would spend
    /// the store's whole write budget at ten thousand clients.
    /// </summary>
    public static readonly TimeSpan HeartbeatWriteInterval = ClientLiveness.SilenceLimit / 2;

    private readonly ILogger _logger = logger ?? NullLogger<ClientEventProcessor>.Instance;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    // When each connected client's presence was last written; forgotten when it disconnects.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastWritten = new(StringComparer.Ordinal);

    /// <summary>
    /// Client <paramref name="clientId"/> opened a connection: it is online (and registered on its
    /// first). Returns the messages to send on the new connection: the client's open tasks, which it
    /// may have missed while it was away.
    /// </summary>
    public async Task<IReadOnlyList<ServerMessage>> ConnectedAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        await metadata.Clients.RecordConnectedAsync(clientId, now, node: node, cancellationToken: cancellationToken);
        // A second connection of a client this node already counts (a reconnect that overlaps the old one) is not a second client.
        if (_lastWritten.TryAdd(clientId, now))
        {
            ChannelTelemetry.ConnectedClients.Add(1);
        }
        else
        {
            _lastWritten[clientId] = now;
        }

        var tasks = await reports.OpenTasksAsync(clientId, cancellationToken);
        _logger.ClientConnected(clientId, tasks.Count);
        return [.. tasks.Select(ServerMessage.ForTask)];
    }

    /// <summary>Client <paramref name="clientId"/>'s last connection closed: it is offline.</summary>
    public async Task DisconnectedAsync(string clientId, CancellationToken cancellationToken = default)
    {
        _lastWritten.TryRemove(clientId, out _);
        ChannelTelemetry.ConnectedClients.Add(-1);
        try
        {
            await metadata.Clients.RecordDisconnectedAsync(clientId, _time.GetUtcNow(), cancellationToken);
        }
        catch (MetadataNotFoundException)
        {
            // It never got as far as being registered.
        }

        _logger.ClientDisconnected(clientId);
    }

    /// <summary>
    /// Handles event <paramref name="eventName"/> from client <paramref name="clientId"/> with JSON data
    /// <paramref name="utf8Json"/>. Returns the reply to send back on the connection (a receipt for
    /// reports), or <see langword="null"/>. A report that is refused is answered with a receipt that
    /// says why; only a failure of FedN itself throws.
    /// </summary>
    public async Task<ServerMessage?> HandleEventAsync(string clientId, string eventName, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        switch (eventName)
        {
            case ClientEvents.Heartbeat:
                var now = _time.GetUtcNow();
                if (!_lastWritten.TryGetValue(clientId, out var written) || now - written >= HeartbeatWriteInterval)
                {
                    await metadata.Clients.RecordConnectedAsync(clientId, now, node: node, cancellationToken: cancellationToken);
                    _lastWritten[clientId] = now;
                }

                return null;
            case ClientEvents.Update:
                return await ReportAsync<UpdateReport>(clientId, eventName, utf8Json, report => report.TaskId, report => reports.SubmitUpdateAsync(clientId, report, cancellationToken));
            case ClientEvents.Validation:
                return await ReportAsync<ValidationReport>(clientId, eventName, utf8Json, report => report.TaskId, report => reports.SubmitValidationAsync(clientId, report, cancellationToken));
            case ClientEvents.Failed:
                return await ReportAsync<FailureReport>(clientId, eventName, utf8Json, report => report.TaskId, report => reports.SubmitFailureAsync(clientId, report, cancellationToken));
            default:
                _logger.UnknownEvent(clientId, eventName);
                return ServerMessage.ForReceipt(new ReportReceipt(eventName, null, Accepted: false,
                    $"unknown event '{eventName}': FedN clients send {string.Join(", ", ClientEvents.All.Select(name => $"'{name}'"))}"));
        }
    }

    private async Task<ServerMessage> ReportAsync<TReport>(string clientId, string eventName, ReadOnlyMemory<byte> utf8Json, Func<TReport, string?> taskIdOf, Func<TReport, Task> submit)
        where TReport : class
    {
        TReport? report;
        try
        {
            report = JsonSerializer.Deserialize<TReport>(utf8Json.Span, FedNJson.Options);
        }
        catch (JsonException error)
        {
            return Refused(clientId, eventName, null, $"the '{eventName}' data is not a valid {typeof(TReport).Name}: {error.Message}");
        }

        if (report is null)
        {
            return Refused(clientId, eventName, null, $"the '{eventName}' event has no data");
        }

        var taskId = taskIdOf(report);
        try
        {
            await submit(report);
        }
        catch (ClientReportRejectedException rejected)
        {
            return Refused(clientId, eventName, taskId, rejected.Message);
        }
        catch (ArgumentException invalid)
        {
            return Refused(clientId, eventName, taskId, invalid.Message);
        }

        _logger.ReportAccepted(clientId, eventName, taskId);
        return ServerMessage.ForReceipt(new ReportReceipt(eventName, taskId, Accepted: true));
    }

    private ServerMessage Refused(string clientId, string eventName, string? taskId, string reason)
    {
        _logger.ReportRefused(clientId, eventName, taskId, reason);
        return ServerMessage.ForReceipt(new ReportReceipt(eventName, taskId, Accepted: false, reason));
    }
}
