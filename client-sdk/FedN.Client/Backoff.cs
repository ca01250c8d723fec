namespace FedN.Client;

/// <summary>How long the client waits before trying again: doubling from a first delay to a ceiling, with jitter.</summary>
internal static class Backoff
{
    /// <summary>The wait after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan After(int failures, FedNClientOptions options)
    {
        var ceiling = Math.Min(options.MaxReconnectDelay.TotalMilliseconds, options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)));
        // "Equal jitter": at least half the ceiling, so clients that lost one server together do not return together.
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
