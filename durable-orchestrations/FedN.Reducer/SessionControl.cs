using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Orchestration;
using FedN.Storage.Metadata;

namespace FedN.Reducer;

/// <summary>Starts and stops sessions: what the control-plane API calls, on any host.</summary>
public sealed class SessionControl(FederationMetadata metadata, IOrchestrationClient orchestrations)
{
    /// <summary>The id of the orchestration instance that runs session <paramref name="sessionId"/>.</summary>
    public static string InstanceId(string sessionId) => $"session:{sessionId}";

    /// <summary>Starts the session's orchestration from its seed model; starting a started session changes nothing.</summary>
    /// <exception cref="InvalidOperationException">The session or its seed model does not exist, or the session has ended.</exception>
    public async Task<string> StartAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var session = (await metadata.Sessions.GetAsync(sessionId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"session '{sessionId}' does not exist; create it first");
        if (session.Status is SessionStatus.Completed or SessionStatus.Stopped or SessionStatus.Failed)
        {
            throw new InvalidOperationException($"session '{sessionId}' has ended ({session.Status.ToString().ToLowerInvariant()}); create a new session to train further");
        }

        var seed = (await metadata.Models.GetAsync(session.SeedModelId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"the seed model '{session.SeedModelId}' of session '{sessionId}' does not exist; upload it first");
        Aggregators.CheckSession(session.Config);
        return await orchestrations.StartAsync(ReducerTasks.Session, InstanceId(sessionId), new SessionProgress
        {
            SessionId = sessionId,
            Config = session.Config,
            ModelId = seed.Id,
            ModelPath = seed.BlobPath,
        }, cancellationToken);
    }

    /// <summary>
    /// Asks a running session to stop: the round in progress ends without committing (a model already
    /// being committed is committed whole), and the session ends as stopped.
    /// </summary>
    public async Task StopAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await metadata.Sessions.UpdateAsync(sessionId, session =>
            session.Status is SessionStatus.Created or SessionStatus.Running ? session with { Status = SessionStatus.Stopping } : session, cancellationToken);
        await orchestrations.RaiseEventAsync(InstanceId(sessionId), ReducerNames.StopEvent, cancellationToken: cancellationToken);
    }
}
