namespace FedN.Contracts.Messaging;

/// <summary>
/// Where the channel hands what clients report: the reducer's intake implements it, so a hub (the
/// local one, Web PubSub's trigger) depends on this port and not on the reducer.
/// </summary>
public interface IClientReports
{
    /// <summary>Takes a trained update of <paramref name="clientId"/> (the authenticated connection's, never a field of the report).</summary>
    /// <exception cref="ClientReportRejectedException">The report was refused; the message says why.</exception>
    Task SubmitUpdateAsync(string clientId, UpdateReport report, CancellationToken cancellationToken = default);

    /// <summary>Takes a validation of the model a client was asked to validate.</summary>
    /// <exception cref="ClientReportRejectedException">The report was refused; the message says why.</exception>
    Task SubmitValidationAsync(string clientId, ValidationReport report, CancellationToken cancellationToken = default);

    /// <summary>Takes a client's word that it could not do a task, so the round stops waiting for it.</summary>
    /// <exception cref="ClientReportRejectedException">The report was refused; the message says why.</exception>
    Task SubmitFailureAsync(string clientId, FailureReport report, CancellationToken cancellationToken = default);

    /// <summary>The tasks <paramref name="clientId"/> was sent and has not answered, to send again when it (re)connects.</summary>
    Task<IReadOnlyList<ClientTask>> OpenTasksAsync(string clientId, CancellationToken cancellationToken = default);
}

/// <summary>A client's report was refused; the message says why, for the client's log.</summary>
public sealed class ClientReportRejectedException(string message) : Exception(message);
