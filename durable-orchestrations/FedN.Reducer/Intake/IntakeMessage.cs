namespace FedN.Reducer.Intake;

/// <summary>
/// "Client X's update is uploaded": what the client-event handler puts on a shard's intake queue.
/// The client id comes from the authenticated connection; the update's blob is found from it, never
/// from the message, so a client cannot point a combiner at another client's blob.
/// </summary>
/// <param name="ClientId">The authenticated client.</param>
/// <param name="Round">The round its task named.</param>
/// <param name="Attempt">The attempt its task named.</param>
/// <param name="NumExamples">Training examples: the update's weight.</param>
/// <param name="Metrics">Training metrics it reported.</param>
/// <param name="Failure">Set when the client reported that it could not train: why. The combiner stops waiting for it.</param>
/// <param name="Bytes">The size of the uploaded update when the report was taken (none when it was not there).</param>
public sealed record IntakeMessage(string ClientId, int Round, int Attempt, long NumExamples, IReadOnlyDictionary<string, double>? Metrics, string? Failure = null, long? Bytes = null);
