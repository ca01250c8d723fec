using System.Text.Json.Serialization;

namespace FedN.Contracts.Federation;

/// <summary>
/// What a round moved over the network, in bytes. Models go down as scoped URLs the server hands
/// out (on Azure the download goes straight to Blob storage, out of the server's sight), so bytes
/// down count one copy of the model per task sent; bytes up are the sizes of the updates the
/// combiners read, refused ones included: they crossed the network too.
/// </summary>
public sealed record RoundTraffic
{
    /// <summary>Size of the model the round sent for training.</summary>
    public long ModelBytes { get; init; }

    /// <summary>The model, once per training task sent.</summary>
    public long TrainingBytesDown { get; init; }

    /// <summary>The new model, once per validation task sent.</summary>
    public long ValidationBytesDown { get; init; }

    /// <summary>The updates uploaded by clients that the combiners read.</summary>
    public long BytesUp { get; init; }

    /// <summary>Models sent to clients, for training and validation.</summary>
    [JsonIgnore]
    public long BytesDown => TrainingBytesDown + ValidationBytesDown;
}

/// <summary>
/// A session's traffic: the sum of its round attempts' <see cref="RoundTraffic"/>, failed attempts
/// included. Each attempt is added once, in order, so the sum can be kept on the session record by
/// retried activities.
/// </summary>
/// <param name="BytesDown">Models sent to clients.</param>
/// <param name="BytesUp">Updates clients uploaded.</param>
/// <param name="Round">The round of the last attempt added.</param>
/// <param name="Attempt">The last attempt added.</param>
public sealed record SessionTraffic(long BytesDown, long BytesUp, int Round, int Attempt)
{
    /// <summary>Nothing moved yet.</summary>
    public static SessionTraffic None { get; } = new(0, 0, 0, 0);

    /// <summary>This sum with attempt <paramref name="attempt"/> of round <paramref name="round"/> added, unless it already is.</summary>
    public SessionTraffic Add(int round, int attempt, RoundTraffic traffic)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        return (round, attempt).CompareTo((Round, Attempt)) <= 0
            ? this
            : new SessionTraffic(BytesDown + traffic.BytesDown, BytesUp + traffic.BytesUp, round, attempt);
    }
}
