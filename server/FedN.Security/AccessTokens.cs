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

    /// <summary>The claim that carries a token's id (<c>jti</c>), by which it can be revoked.</summary>
    public const string TokenIdClaim = JwtRegisteredClaimNames.Jti;

    private static readonly SearchValues<char> ClientIdCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
    private readonly SignedTokens _tokens;
    private readonly ITokenRevocations? _revocations;

    /// <summary>Creates the service with the deployment's signing key.</summary>
    /// <param name="signingKey">At least 32 bytes (<see cref="SecretKeyFile"/>).</param>
    /// <param name="timeProvider">The clock tokens are minted with.</param>
    /// <param name="revocations">The revoked tokens, which validation refuses; none are when absent (a process that only mints).</param>
    public AccessTokens(byte[] signingKey, TimeProvider? timeProvider = null, ITokenRevocations? revocations = null)
    {
        _tokens = new SignedTokens(signingKey, timeProvider);
        _revocations = revocations;
    }

    /// <summary>The id of <paramref name="token"/> (its <c>jti</c>), read without checking it; <see langword="null"/> when it has none or is not a JWT.</summary>
    public static string? IdOf(string token)
    {
        try
        {
            return new JsonWebToken(token).TryGetPayloadValue<string>(TokenIdClaim, out var id) ? id : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="tokenId"/> has the form of the ids FedN gives its tokens (32 hex digits).</summary>
    public static bool IsTokenId(string? tokenId) => tokenId is { Length: 32 } && tokenId.AsSpan().IndexOfAnyExcept(HexDigits) < 0;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdef");

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
        return _tokens.Create(Issuer, Audience, subject, lifetime, new Dictionary<string, object>
        {
            ["role"] = role,
            [TokenIdClaim] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        });
    }

    /// <summary>Checks a token's signature, issuer, audience, lifetime and claims.</summary>
    /// <exception cref="AccessTokenRejectedException">The token is not valid; the message says why.</exception>
    public async Task<AccessTokenIdentity> ValidateAsync(string token)
    {
        var identity = await _tokens.ValidateAsync(token, Audience, Issuer);
        var role = identity.FindFirst("role")?.Value;
        var subject = identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var id = identity.FindFirst(TokenIdClaim)?.Value;
        if (id is not null && _revocations is not null && await _revocations.IsRevokedAsync(id))
        {
            throw new AccessTokenRejectedException($"the access token {id} has been revoked; ask an admin for a new one");
        }

        return (role, subject) switch
        {
            (AccessTokenRoles.Admin, AdminSubject) => new AccessTokenIdentity(AccessTokenRoles.Admin, null, id),
            (AccessTokenRoles.Client, { } client) when IsValidClientId(client) => new AccessTokenIdentity(AccessTokenRoles.Client, client, id),
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
/// <param name="TokenId">The token's id (absent in tokens minted before tokens had ids: those cannot be revoked one by one).</param>
public sealed record AccessTokenIdentity(string Role, string? ClientId, string? TokenId = null)
{
    /// <summary>Whether the token may do control operations.</summary>
    public bool IsAdmin => Role == AccessTokenRoles.Admin;
}

/// <summary>An access token was refused; the message says why, without echoing the token.</summary>
public sealed class AccessTokenRejectedException(string message) : Exception(message);
