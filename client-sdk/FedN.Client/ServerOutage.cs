using System.Net;

namespace FedN.Client;

/// <summary>
/// Riding out a server that is briefly away (a restart, a failover to another node): calls are
/// retried with backoff while the server cannot be reached or answers that it is unavailable, and
/// every wait is reported, so a follower says what it is doing instead of giving up.
/// </summary>
public static class ServerOutage
{
    /// <summary>How long a call keeps retrying by default before the outage counts as permanent.</summary>
    public static TimeSpan DefaultPatience { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs <paramref name="call"/>, retrying (0.5 s, doubling to 8 s) while the server is unreachable
    /// or answers 502, 503 or 504, for up to <paramref name="patience"/>.
    /// </summary>
    /// <param name="call">The API call.</param>
    /// <param name="retrying">Told before each wait, with what went wrong and how long it waits.</param>
    /// <param name="patience">How long to keep trying; <see cref="DefaultPatience"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="FedNApiException">Any other refusal, or the server stayed away longer than <paramref name="patience"/>.</exception>
    public static async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> call, Action<string>? retrying = null, TimeSpan? patience = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var giveUpAt = DateTimeOffset.UtcNow + (patience ?? DefaultPatience);
        var wait = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (FedNApiException away) when (IsOutage(away) && DateTimeOffset.UtcNow + wait < giveUpAt)
            {
                retrying?.Invoke($"{away.Message}; trying again in {wait.TotalSeconds:0.#} s");
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(8).Ticks));
            }
        }
    }

    private static bool IsOutage(FedNApiException error) =>
        error.Status is 0 or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
