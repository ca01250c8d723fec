using System.Globalization;
using FedN.Contracts.Federation;

namespace FedN.Reducer.Activities;

/// <summary>Records where a session is (running, or how it ended) on its record and in the event log.</summary>
internal sealed class SetSessionStatusActivity(ReducerStores stores, ReducerOptions options)
{
    public async Task<bool> RunAsync(SessionStatusRequest request, CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        var ended = request.Status is SessionStatus.Completed or SessionStatus.Stopped or SessionStatus.Failed;
        // An ended session stays as it ended, and a stopping one is not set running again: this may be
        // a status change delivered again long after (a node killed before the engine heard it was done).
        await stores.Metadata.Sessions.UpdateAsync(request.SessionId, session => HasEnded(session.Status) || (request.Status == SessionStatus.Running && session.Status == SessionStatus.Stopping) ? session : session with
        {
            Status = request.Status,
            Message = request.Message ?? session.Message,
            StartedAt = session.StartedAt ?? now,
            EndedAt = ended ? session.EndedAt ?? now : null,
        }, cancellationToken);
        await stores.Metadata.Events.AppendAsync(new StatusEvent
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"session-{request.Status.ToString().ToLowerInvariant()}"),
            SessionId = request.SessionId,
            Time = now,
            Level = request.Status == SessionStatus.Failed ? StatusLevel.Error : StatusLevel.Info,
            Kind = $"session.{request.Status.ToString().ToLowerInvariant()}",
            Message = request.Message ?? $"session {request.Status.ToString().ToLowerInvariant()}",
        }, cancellationToken);
        return true;
    }

    private static bool HasEnded(SessionStatus status) => status is SessionStatus.Completed or SessionStatus.Stopped or SessionStatus.Failed;
}
