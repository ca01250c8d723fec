using FedN.Contracts.Federation;
using FedN.Core.Metadata;

namespace FedN.Api.Endpoints;

/// <summary>The sessions that have not ended: what a delete must not pull a model or a client from under.</summary>
internal static class ActiveSessions
{
    public static async Task<List<SessionRecord>> ListAsync(FederationMetadata metadata, CancellationToken cancellationToken)
    {
        List<SessionRecord> active = [];
        foreach (var status in new[] { SessionStatus.Created, SessionStatus.Running, SessionStatus.Stopping })
        {
            string? continuation = null;
            do
            {
                var page = await metadata.Sessions.ListAsync(new PageRequest(MetadataQuery.MaxPageSize, continuation), status, cancellationToken);
                active.AddRange(page.Items.Select(item => item.Value));
                continuation = page.ContinuationToken;
            }
            while (continuation is not null);
        }

        return active;
    }

    public static bool HasEnded(SessionStatus status) => status is SessionStatus.Completed or SessionStatus.Failed or SessionStatus.Stopped;
}
