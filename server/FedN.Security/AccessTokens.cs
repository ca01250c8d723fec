using System.Buffers;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FedN.Security;

/// <summary>
/// Mints and checks FedN's access tokens: JWTs signed with HS256, issuer <see cref="Issuer"/>,
/// audience <see cref="Audience"/>, a <c>role</c> claim (<see cref="AccessTokenRoles"/>) and, for a
/// client, its id as <c>sub</c>.
/// </summary>
public sealed class AccessTokens
{
    /// <summary>The <c>iss</c> of every FedN token.</summary>
    public const string Issuer = "fedn";

    /// <summary>The <c>aud</c> of every FedN token.</summary>
    public const string Audience = "fedn-api";

    /// <summary>The <c>sub</c> of admin tokens.</summary>
    public const string AdminSubject = "admin";

    /// <summary>Longest client id; ids are also blob path segments.</summary>
    public const int MaxClientIdLength = 128;

    private static readonly SearchValues<char> ClientIdCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
    private readonly SignedTokens _tokens;

    /// <summary>Creates the service with the deployment's signing key.</summary>
    /// <param name="signingKey">At least 32 bytes (<see cref="SecretKeyFile"/>).</param>
    /// <param name="timeProvider">The clock tokens are minted with.</param>
    public AccessTokens(byte[] signingKey, TimeProvider? timeProvider = null) => _tokens = new SignedTokens(signingKey, timeProvider);

    /// <summary>Mints a token.</summary>
    /// <param name="role"><see cref="AccessTokenRoles.Admin"/> or <see cref="AccessTokenRoles.Client"/>.</param>
    /// <param name="clientId">Required for a client token: the only client it acts for.</param>
    /// <param name="lifetime">How long it is valid.</param>
    /// <exception cref="ArgumentException">Unknown role, a client token without a valid client id, or a lifetime that is not positive.</exception>
    public string Create(string role, string? clientId, TimeSpan lifetime)
    {
        var subject = role switch
        {
            AccessTokenRoles.Admin when clientId is null => AdminSubject,
            AccessTokenRoles.Admin => throw new ArgumentException("an admin token is not for one client; leave the client id out", nameof(clientId)),
            AccessTokenRoles.Client => ValidateClientId(clientId ?? throw new ArgumentException("a client token needs the client's id", nameof(clientId))),
            _ => throw new ArgumentException($"unknown role '{role}'; use '{AccessTokenRoles.Admin}' or '{AccessTokenRoles.Client}'", nameof(role)),
        };
        return _tokens.Create(Issuer, Audience, subject, lifetime, new Dictionary<string, object> { ["role"] = role });
    }

    /// <summary>Checks a token's signature, issuer, audience, lifetime and claims.</summary>
    /// <exception cref="AccessTokenRejectedException">The token is not valid; the message says why.</exception>
    public async Task<AccessTokenIdentity> ValidateAsync(string token)
    {
        var identity = await _tokens.ValidateAsync(token, Audience, Issuer);
        var role = identity.FindFirst("role")?.Value;
        var subject = identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        return (role, subject) switch
        {
            (AccessTokenRoles.Admin, AdminSubject) => new AccessTokenIdentity(AccessTokenRoles.Admin, null),
            (AccessTokenRoles.Client, { } client) when IsValidClientId(client) => new AccessTokenIdentity(AccessTokenRoles.Client, client),
            _ => throw new AccessTokenRejectedException($"the token's role '{role}' and subject '{subject}' do not make a FedN identity"),
        };
    }

    /// <summary>Returns <paramref name="clientId"/> if it is a valid client id; otherwise throws <see cref="ArgumentException"/> saying why.</summary>
    public static string ValidateClientId(string clientId) => IsValidClientId(clientId)
        ? clientId
        : throw new ArgumentException($"invalid client id '{clientId}': use 1 to {MaxClientIdLength} letters, digits, '.', '_' or '-' (not '.' or '..')", nameof(clientId));

    private static bool IsValidClientId(string? clientId) =>
        clientId is { Length: > 0 and <= MaxClientIdLength } && clientId.AsSpan().IndexOfAnyExcept(ClientIdCharacters) < 0 && clientId is not ("." or "..");
}

/// <summary>Who a valid token speaks for.</summary>
/// <param name="Role"><see cref="AccessTokenRoles.Admin"/> or <see cref="AccessTokenRoles.Client"/>.</param>
/// <param name="ClientId">The client, for a client token.</param>
public sealed record AccessTokenIdentity(string Role, string? ClientId)
{
    /// <summary>Whether the token may do control operations.</summary>
    public bool IsAdmin => Role == AccessTokenRoles.Admin;
}

/// <summary>An access token was refused; the message says why, without echoing the token.</summary>
public sealed class AccessTokenRejectedException(string message) : Exception(message);
