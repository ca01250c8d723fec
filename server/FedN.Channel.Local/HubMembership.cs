using System.Collections.Concurrent;

namespace FedN.Channel.Local;

/// <summary>
/// Who is connected to the local hub and which groups they are in. Groups belong to clients, not to
/// connections: a client added to a group while offline joins it with every connection it opens later,
/// as on Web PubSub. Changes take one lock; lookups for sending read the concurrent maps without it.
/// </summary>
internal sealed class HubMembership(Func<RequestRate> newRate, int maxConnectionsPerClient)
{
    private readonly ConcurrentDictionary<string, HubConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubConnection>> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubConnection>> _byGroup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _userGroups = new(StringComparer.Ordinal);

    // Guarded by _lock: per client, its open connections and the request rate they share.
    private readonly Dictionary<string, ClientAllowance> _allowances = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public int ConnectionCount => _connections.Count;

    public IEnumerable<HubConnection> All => _connections.Values;

    public bool HasConnection(string userId) => _byUser.ContainsKey(userId);

    public IEnumerable<HubConnection> OfUser(string userId) =>
        _byUser.TryGetValue(userId, out var connections) ? connections.Values : [];

    public IEnumerable<HubConnection> InGroup(string group) =>
        _byGroup.TryGetValue(group, out var connections) ? connections.Values : [];

    /// <summary>Puts the client, and each connection it has now or opens later, in the group.</summary>
    public void AddUserToGroup(string userId, string group)
    {
        lock (_lock)
        {
            _userGroups.GetOrAdd(userId, _ => new(StringComparer.Ordinal))[group] = true;
            foreach (var connection in OfUser(userId))
            {
                Join(connection, group);
            }
        }
    }

    public void RemoveUserFromGroup(string userId, string group)
    {
        lock (_lock)
        {
            if (_userGroups.TryGetValue(userId, out var groups))
            {
                groups.TryRemove(group, out _);
            }

            foreach (var connection in OfUser(userId))
            {
                Leave(connection, group);
            }
        }
    }

    /// <summary>A connection's own joinGroup or leaveGroup request: it alone changes group, not its client.</summary>
    public void SetConnectionInGroup(HubConnection connection, string group, bool member)
    {
        lock (_lock)
        {
            if (member)
            {
                Join(connection, group);
            }
            else
            {
                Leave(connection, group);
            }
        }
    }

    /// <summary>Takes one of the client's connection slots, if it has one left; its connections share the returned request rate.</summary>
    public bool TryReserveConnection(string userId, out RequestRate rate)
    {
        lock (_lock)
        {
            var allowance = _allowances.TryGetValue(userId, out var existing) ? existing : _allowances[userId] = new ClientAllowance(newRate());
            rate = allowance.Rate;
            if (allowance.Connections >= maxConnectionsPerClient)
            {
                return false;
            }

            allowance.Connections++;
            return true;
        }
    }

    public void ReleaseConnection(string userId)
    {
        lock (_lock)
        {
            if (_allowances.TryGetValue(userId, out var allowance) && --allowance.Connections <= 0)
            {
                _allowances.Remove(userId);
            }
        }
    }

    /// <summary>Adds the connection, in its token's groups and the groups its client was added to.</summary>
    public void Register(HubConnection connection)
    {
        lock (_lock)
        {
            _connections[connection.ConnectionId] = connection;
            _byUser.GetOrAdd(connection.UserId, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;
            var remembered = _userGroups.TryGetValue(connection.UserId, out var groups) ? groups.Keys : [];
            foreach (var group in connection.Identity.Groups.Concat(remembered))
            {
                Join(connection, group);
            }
        }
    }

    /// <summary>Forgets the connection; returns true when it was its client's last.</summary>
    public bool Unregister(HubConnection connection)
    {
        lock (_lock)
        {
            _connections.TryRemove(connection.ConnectionId, out _);
            foreach (var members in _byGroup.Values)
            {
                members.TryRemove(connection.ConnectionId, out _);
            }

            if (_byUser.TryGetValue(connection.UserId, out var mine))
            {
                mine.TryRemove(connection.ConnectionId, out _);
                if (mine.IsEmpty)
                {
                    _byUser.TryRemove(connection.UserId, out _);
                    return true;
                }
            }

            return false;
        }
    }

    private void Join(HubConnection connection, string group) =>
        _byGroup.GetOrAdd(group, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;

    private void Leave(HubConnection connection, string group)
    {
        if (_byGroup.TryGetValue(group, out var members))
        {
            members.TryRemove(connection.ConnectionId, out _);
        }
    }

    /// <summary>What one client may still do: connections it holds, and the request rate they share.</summary>
    private sealed class ClientAllowance(RequestRate rate)
    {
        public RequestRate Rate { get; } = rate;

        public int Connections { get; set; }
    }
}
