using FedN.Contracts.Federation;

namespace FedN.Contracts.Api;

/// <summary>One page of a list; pass <see cref="ContinuationToken"/> back as <c>?continuationToken=</c> for the next.</summary>
/// <typeparam name="T">The items' type.</typeparam>
/// <param name="Items">The items, in the list's order.</param>
/// <param name="ContinuationToken">The next page's token; absent on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken)
{
    /// <summary>Records of this page the server could not read, each named with why; they are left out of <see cref="Items"/>.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>The body of <c>POST /api/v1/sessions</c>.</summary>
public sealed record CreateSessionRequest
{
    /// <summary>The session id; one is made up when absent.</summary>
    public string? Id { get; init; }

    /// <summary>A display name.</summary>
    public string? Name { get; init; }

    /// <summary>The model round 1 trains from; the newest model when absent.</summary>
    public string? SeedModelId { get; init; }

    /// <summary>The configuration; every setting has a default.</summary>
    public SessionConfig? Config { get; init; }

    /// <summary>Start the session at once.</summary>
    public bool Start { get; init; }
}

/// <summary>Where a session is: its record's status and, while it runs, what its orchestration is doing.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Status">The session's status.</param>
/// <param name="CompletedRounds">Rounds committed so far.</param>
/// <param name="CurrentModelId">The newest global model.</param>
/// <param name="Orchestration">The orchestration's runtime status (running, completed, failed), when it was started.</param>
/// <param name="Round">The round in progress.</param>
/// <param name="Attempt">Its attempt.</param>
/// <param name="Phase">Its phase while it runs: planning, training, aggregating, validating or committing (failed or stopped for a round that just ended).</param>
/// <param name="Message">Why the session failed or stopped.</param>
public sealed record SessionStatusView(string SessionId, SessionStatus Status, int CompletedRounds, string? CurrentModelId, string? Orchestration, int? Round, int? Attempt, string? Phase, string? Message);

/// <summary>The answer of <c>POST /api/v1/clients/connect</c>, in the shape of Web PubSub's negotiate response.</summary>
/// <param name="Url">The WebSocket URL, with the access token in its query.</param>
/// <param name="BaseUrl">The WebSocket URL without the token.</param>
/// <param name="AccessToken">The token alone.</param>
public sealed record NegotiateResponse(Uri Url, Uri BaseUrl, string AccessToken);

/// <summary>The body of <c>POST /api/v1/tokens</c>.</summary>
public sealed record CreateTokenRequest
{
    /// <summary><c>admin</c> or <c>client</c>.</summary>
    public required string Role { get; init; }

    /// <summary>For a client token: the client it acts for.</summary>
    public string? ClientId { get; init; }

    /// <summary>Days it is valid (1 to 365; 30 by default).</summary>
    public int Days { get; init; } = 30;
}

/// <summary>A minted token.</summary>
/// <param name="Token">The bearer token.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt)
{
    /// <summary>The token's id, by which an admin revokes it (<c>POST /api/v1/tokens/{id}/revoke</c>).</summary>
    public string? Id { get; init; }
}
