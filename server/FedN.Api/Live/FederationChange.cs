namespace FedN.Api.Live;

/// <summary>
/// One part of the federation changed: a watcher should read it again through the API.
/// <see cref="Version"/> is opaque; it differs whenever the part does.
/// </summary>
/// <param name="Part">Which part: <see cref="Sessions"/>, <see cref="Session"/>, <see cref="Rounds"/>, <see cref="Events"/> or <see cref="Clients"/>.</param>
/// <param name="Version">The part's new version.</param>
public sealed record FederationChange(string Part, string Version)
{
    /// <summary>The list of sessions (watched without a session id).</summary>
    public const string Sessions = "sessions";

    /// <summary>The watched session's record: status, progress.</summary>
    public const string Session = "session";

    /// <summary>The watched session's rounds (figures, metrics) and its validations, also while a round's arrive.</summary>
    public const string Rounds = "rounds";

    /// <summary>The watched session's event log.</summary>
    public const string Events = "events";

    /// <summary>The clients: who is online, last seen.</summary>
    public const string Clients = "clients";

    /// <summary>Sent when nothing changed for a while, so proxies keep the stream open.</summary>
    public const string KeepAlive = "keepalive";
}
