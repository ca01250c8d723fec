namespace FedN.Orchestration;

/// <summary>How an activity is retried (Durable Functions' <c>RetryPolicy</c>): attempts, then waits that grow by a factor.</summary>
/// <param name="MaxAttempts">Attempts in all, the first included.</param>
/// <param name="FirstRetryInterval">Wait before the second attempt.</param>
/// <param name="BackoffCoefficient">Each wait is the previous one times this.</param>
/// <param name="MaxRetryInterval">Longest single wait.</param>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient = 2.0, TimeSpan? MaxRetryInterval = null)
{
    /// <summary>The wait before attempt <paramref name="attempt"/> (2 or more).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        var delay = FirstRetryInterval * Math.Pow(BackoffCoefficient, attempt - 2);
        return MaxRetryInterval is { } max && delay > max ? max : delay;
    }
}
