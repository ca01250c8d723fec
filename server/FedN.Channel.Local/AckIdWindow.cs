namespace FedN.Channel.Local;

/// <summary>The ackIds a connection has had processed, newest <c>capacity</c> of them, so a repeat can be answered <c>Duplicate</c> without memory growing forever.</summary>
internal sealed class AckIdWindow(int capacity)
{
    private readonly HashSet<ulong> _seen = [];
    private readonly Queue<ulong> _order = new();

    public bool Contains(ulong ackId) => _seen.Contains(ackId);

    public void Add(ulong ackId)
    {
        if (!_seen.Add(ackId))
        {
            return;
        }

        _order.Enqueue(ackId);
        if (_order.Count > capacity)
        {
            _seen.Remove(_order.Dequeue());
        }
    }
}
