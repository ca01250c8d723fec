using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FedN.Contracts.Federation;
using FedN.Storage.Metadata;

namespace FedN.Api.Live;

/// <summary>
/// Notices what changed in the federation since it last looked, for one watcher (a dashboard tab):
/// each poll compares a cheap version of every part (an ETag, the newest event's id, a hash of the
/// clients' state) with the last one it reported. It reads only the metadata store, so it behaves the
/// same on every host and on every instance of the Functions app.
/// </summary>
internal sealed class FederationWatcher(FederationMetadata metadata, string? sessionId, bool includeClients)
{
    private const int SessionsWatched = 50;
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private (int Round, int Count) _validations;

    /// <summary>
    /// The parts whose version differs from the last poll (all of them on the first). A
    /// <paramref name="slowPoll"/> also looks at what costs a listing (the clients, and the validations
    /// of a round being validated); other polls keep their last versions.
    /// </summary>
    public async Task<IReadOnlyList<FederationChange>> PollAsync(bool slowPoll, CancellationToken cancellationToken)
    {
        List<FederationChange> current = [];
        if (sessionId is null)
        {
            var sessions = await metadata.Sessions.ListAsync(new PageRequest(SessionsWatched), cancellationToken: cancellationToken);
            current.Add(new(FederationChange.Sessions, Fingerprint(sessions.Items.Select(session => $"{session.Value.Id}\n{session.ETag}"))));
        }
        else
        {
            var session = await metadata.Sessions.GetAsync(sessionId, cancellationToken);
            current.Add(new(FederationChange.Session, session?.ETag ?? ""));
            var rounds = await metadata.Rounds.ListAsync(sessionId, new PageRequest(1), newestFirst: true, cancellationToken);
            if (rounds.Items is [var round, ..])
            {
                // Validations arrive one by one while the round record waits for all of them: count them too.
                if (slowPoll && round.Value.Status == RoundStatus.Validating)
                {
                    _validations = (round.Value.Round, await CountValidationsAsync(sessionId, round.Value.Round, cancellationToken));
                }

                var validations = _validations.Round == round.Value.Round ? _validations.Count : 0;
                current.Add(new(FederationChange.Rounds, string.Create(CultureInfo.InvariantCulture, $"{round.Value.Round}/{round.ETag}/{validations}")));
            }
            else
            {
                current.Add(new(FederationChange.Rounds, ""));
            }

            var events = await metadata.Events.ListAsync(sessionId, new PageRequest(1), newestFirst: true, cancellationToken);
            current.Add(new(FederationChange.Events, events.Items is [var newest, ..] ? newest.Value.Id : ""));
        }

        if (includeClients && slowPoll)
        {
            List<string> clients = [];
            await foreach (var client in metadata.Clients.ListAllAsync(cancellationToken: cancellationToken))
            {
                clients.Add(string.Create(CultureInfo.InvariantCulture, $"{client.Value.Id}\n{client.Value.Online}\n{client.Value.LastSeen?.UtcTicks}"));
            }

            current.Add(new(FederationChange.Clients, Fingerprint(clients)));
        }

        List<FederationChange> changed = [];
        foreach (var part in current)
        {
            if (!_reported.TryGetValue(part.Part, out var version) || version != part.Version)
            {
                _reported[part.Part] = part.Version;
                changed.Add(part);
            }
        }

        return changed;
    }

    private async Task<int> CountValidationsAsync(string session, int round, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in metadata.Validations.ListAllAsync(session, round, cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    private static string Fingerprint(IEnumerable<string> items)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in items)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(item));
            hash.AppendData("\0"u8);
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
