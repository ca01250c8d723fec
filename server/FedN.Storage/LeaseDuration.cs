namespace FedN.Storage;

/// <summary>The lease durations every store accepts: Azure's range, 15 to 60 seconds.</summary>
public static class LeaseDuration
{
    /// <summary>Shortest lease.</summary>
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(15);

    /// <summary>Longest lease; renew to keep it longer.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a duration outside [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public static TimeSpan Validate(TimeSpan duration) =>
        duration >= Min && duration <= Max
            ? duration
            : throw new ArgumentOutOfRangeException(nameof(duration), $"a lease lasts 15 to 60 seconds (Azure's limits); {duration.TotalSeconds} s was asked");
}
