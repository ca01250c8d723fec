using FedN.Contracts.Federation;
using FedN.Storage.Metadata;

namespace FedN.Api.Endpoints;

/// <summary>The sessions that have not ended: what a delete must not pull a model or a client from under.</summary>
internal static class ActiveSessions
{
    public static async Task<List<SessionRecord>> ListAsync(FederationMetadata metadata, CancellationToken cancellationToken)
    {
        List<SessionRecord> active = [];
        foreach (var status in Enum.GetValues<SessionStatus>().Where(status => !status.HasEnded()))
        {
            await foreach (var session in metadata.Sessions.ListAllAsync(status, cancellationToken))
            {
                active.Add(session.Value);
            }
        }

        return active;
    }
}
