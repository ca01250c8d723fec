using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FedN.Security;

/// <summary>
/// HS256 JWTs under one key: the mechanics FedN's API tokens (<see cref="AccessTokens"/>) and the
/// hub's Web PubSub tokens share: minting with a subject, audience, lifetime and extra claims, and
/// validation that explains a refusal without echoing the token.
/// </summary>
public sealed class SignedTokens
{
    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Creates the service with <paramref name="key"/> (at least <see cref="SecretKeyFile.MinimumBytes"/> bytes).</summary>
    /// <param name="key">The signing key.</param>
    /// <param name="timeProvider">The clock tokens are minted with.</param>
    public SignedTokens(byte[] key, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < SecretKeyFile.MinimumBytes)
        {
            throw new ArgumentException($"the signing key has {key.Length} bytes; HS256 needs at least {SecretKeyFile.MinimumBytes}", nameof(key));
        }

        _key = new SymmetricSecurityKey(key);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Mints a token for <paramref name="subject"/>; array values in <paramref name="claims"/> become JSON arrays.</summary>
    public string Create(string? issuer, string audience, string subject, TimeSpan lifetime, IDictionary<string, object>? claims = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"a token's lifetime must be positive, not {lifetime.TotalDays:0.###} days", nameof(lifetime));
        }

        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Checks the signature, the lifetime, the audience and (when given) the issuer; returns the claims.</summary>
    /// <exception cref="AccessTokenRejectedException">The token is not valid; the message says why.</exception>
    public async Task<ClaimsIdentity> ValidateAsync(string? token, string audience, string? issuer = null)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new AccessTokenRejectedException("no access token was given");
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = issuer is not null,
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        return result.IsValid ? result.ClaimsIdentity : throw new AccessTokenRejectedException(result.Exception switch
        {
            SecurityTokenExpiredException expired => $"the access token expired at {expired.Expires:u}; get a new one",
            SecurityTokenNotYetValidException early => $"the access token is not valid before {early.NotBefore:u}",
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the access token's signature does not match this deployment's key",
            SecurityTokenInvalidAudienceException => $"the access token is not for '{audience}'",
            SecurityTokenInvalidIssuerException => $"the access token was not issued by '{issuer}'",
            SecurityTokenMalformedException or ArgumentException => "the access token is not a well-formed JWT",
            var error => $"the access token is not valid: {error?.Message}",
        });
    }
}
