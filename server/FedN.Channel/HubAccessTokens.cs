using FedN.Contracts.Messaging;
using FedN.Security;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FedN.Channel;

/// <summary>
/// Client access tokens in Azure Web PubSub's format: HS256 JWTs whose <c>aud</c> is the hub's URL
/// (<c>https://host/client/hubs/hub</c>), <c>sub</c> the user id, <c>role</c> the permissions and
/// <c>webpubsub.group</c> the groups joined on connect. The local hub signs them with the server's key.
/// </summary>
public sealed class HubAccessTokens
{
    private readonly SignedTokens _tokens;

    /// <summary>Creates the service with the hub's access key (Azure: the UTF-8 bytes of the AccessKey).</summary>
    public HubAccessTokens(byte[] accessKey, TimeProvider? timeProvider = null) => _tokens = new SignedTokens(accessKey, timeProvider);

    /// <summary>The <c>aud</c> of tokens for <paramref name="hub"/> served at <paramref name="serviceBaseUri"/>: http(s), never ws(s).</summary>
    public static string Audience(Uri serviceBaseUri, string hub)
    {
        ArgumentNullException.ThrowIfNull(serviceBaseUri);
        var scheme = serviceBaseUri.Scheme is "wss" or "https" ? "https" : "http";
        return $"{scheme}://{serviceBaseUri.Authority}{WebPubSubProtocol.HubPath(hub)}";
    }

    /// <summary>The claim naming the access token a hub token was negotiated with (FedN's own; Azure Web PubSub does not use it).</summary>
    public const string GrantingTokenClaim = "fedn.granted_by";

    /// <summary>Mints a token for <paramref name="userId"/>.</summary>
    public string Create(string audience, string userId, TimeSpan lifetime, IEnumerable<string>? roles = null, IEnumerable<string>? groups = null, string? grantingTokenId = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        if (grantingTokenId is not null)
        {
            claims[GrantingTokenClaim] = grantingTokenId;
        }

        if (roles?.ToArray() is { Length: > 0 } roleList)
        {
            claims["role"] = roleList;
        }

        if (groups?.ToArray() is { Length: > 0 } groupList)
        {
            claims[WebPubSubProtocol.GroupClaim] = groupList;
        }

        return _tokens.Create(issuer: null, audience, userId, lifetime, claims);
    }

    /// <summary>Checks the token's signature, audience (<paramref name="audience"/>), lifetime and subject.</summary>
    /// <exception cref="AccessTokenRejectedException">The token is not valid for this hub; the message says why.</exception>
    public async Task<HubIdentity> ValidateAsync(string? token, string audience)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new AccessTokenRejectedException($"no access token: pass it as ?{WebPubSubProtocol.AccessTokenParameter}= or an Authorization: Bearer header (get one from POST /api/v1/clients/connect)");
        }

        var identity = await _tokens.ValidateAsync(token, audience);
        var userId = identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (string.IsNullOrEmpty(userId))
        {
            throw new AccessTokenRejectedException("the access token has no 'sub' (user id)");
        }

        return new HubIdentity(
            userId,
            identity.FindAll("role").Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal),
            [.. identity.FindAll(WebPubSubProtocol.GroupClaim).Select(claim => claim.Value)])
        {
            GrantingTokenId = identity.FindFirst(GrantingTokenClaim)?.Value,
        };
    }
}

/// <summary>Who a hub connection is and what it may do.</summary>
/// <param name="UserId">The user id (FedN: the client id).</param>
/// <param name="Roles">Permission roles (<see cref="WebPubSubProtocol.JoinLeaveGroupRole"/>, <see cref="WebPubSubProtocol.SendToGroupRole"/>).</param>
/// <param name="Groups">Groups joined on connect.</param>
public sealed record HubIdentity(string UserId, IReadOnlySet<string> Roles, IReadOnlyList<string> Groups)
{
    /// <summary>The access token the connection was negotiated with, when the hub token names it.</summary>
    public string? GrantingTokenId { get; init; }

    /// <summary>Whether the connection may join and leave <paramref name="group"/>.</summary>
    public bool MayJoinOrLeave(string group) => Has(WebPubSubProtocol.JoinLeaveGroupRole, group);

    /// <summary>Whether the connection may send to <paramref name="group"/>.</summary>
    public bool MaySendTo(string group) => Has(WebPubSubProtocol.SendToGroupRole, group);

    private bool Has(string role, string group) => Roles.Contains(role) || Roles.Contains($"{role}.{group}");
}
