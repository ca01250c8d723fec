namespace FedN.Security;

/// <summary>The access tokens an admin revoked before they expired: refused on the API and the hub from then on.</summary>
public interface ITokenRevocations
{
    /// <summary>Whether token <paramref name="tokenId"/> was revoked.</summary>
    ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Revokes token <paramref name="tokenId"/>; revoking it again changes nothing.</summary>
    Task RevokeAsync(string tokenId, CancellationToken cancellationToken = default);
}
