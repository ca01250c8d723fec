namespace FedN.Channel.Local;

/// <summary>A token bucket: <c>burst</c> requests at once, then <c>perSecond</c> sustained. One connection's receive loop uses it, so it is not thread-safe.</summary>
internal sealed class RequestRate(double perSecond, int burst, TimeProvider time)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one token if there is one. Several connections of one client share a rate, so this may be called concurrently.</summary>
    public bool TryTake()
    {
        lock (this)
        {
            return TryTakeLocked();
        }
    }

    private bool TryTakeLocked()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * perSecond));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
