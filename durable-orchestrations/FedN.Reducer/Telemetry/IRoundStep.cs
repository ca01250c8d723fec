namespace FedN.Reducer.Telemetry;

/// <summary>The input of an activity that does one step of a round attempt: what its span belongs to.</summary>
public interface IRoundStep
{
    /// <summary>The session.</summary>
    string SessionId { get; }

    /// <summary>The round.</summary>
    int Round { get; }

    /// <summary>The attempt.</summary>
    int Attempt { get; }
}
