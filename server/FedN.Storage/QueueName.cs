using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FedN.Storage;

/// <summary>
/// Queue names, valid in every store: 3 to 63 lower-case letters, digits and single hyphens,
/// starting and ending with a letter or digit (Azure Queue Storage's rule).
/// </summary>
public static class QueueName
{
    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>
    /// The intake of shard <paramref name="shard"/> of attempt <paramref name="attempt"/> at round
    /// <paramref name="round"/>: the session id is hashed, since ids may hold characters queue names cannot.
    /// </summary>
    public static string ForShard(string sessionId, int round, int shard, int attempt = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(round, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var session = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)), 0, 10);
        return string.Create(CultureInfo.InvariantCulture, $"fedn-{session}-r{round}-a{attempt}-s{shard}");
    }

    /// <summary>Returns <paramref name="name"/> if it is valid; otherwise throws <see cref="ArgumentException"/> saying why.</summary>
    public static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var problem = name switch
        {
            { Length: < 3 or > 63 } => "it must be 3 to 63 characters long",
            _ when name.AsSpan().IndexOfAnyExcept(Allowed) >= 0 => "only lower-case letters, digits and '-' are allowed",
            _ when name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal) => "hyphens must be single and inside the name",
            _ => null,
        };
        return problem is null ? name : throw new ArgumentException($"invalid queue name '{name}': {problem}", nameof(name));
    }
}

/// <summary>The limits every <see cref="IQueueStore"/> enforces, Azure Queue Storage's where it has one.</summary>
public static class QueueLimits
{
    /// <summary>Largest message, in UTF-8 bytes (Azure allows 64 KiB once base64-encoded).</summary>
    public const int MaxMessageBytes = 48 * 1024;

    /// <summary>Most messages one receive returns.</summary>
    public const int MaxReceiveBatch = 32;

    /// <summary>Longest visibility timeout.</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="message"/> is too large.</summary>
    public static void ValidateMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = Encoding.UTF8.GetByteCount(message);
        if (bytes > MaxMessageBytes)
        {
            throw new ArgumentException($"a queue message of {bytes} bytes is over the limit of {MaxMessageBytes}; send a reference to a blob instead", nameof(message));
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a receive asks for too much.</summary>
    public static void ValidateReceive(int maxMessages, TimeSpan visibilityTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxReceiveBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visibilityTimeout, MaxVisibilityTimeout);
    }
}
