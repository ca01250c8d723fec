using FedN.Security;

namespace FedN.Channel.Local;

/// <summary>Whether the admin token a connection was negotiated with has been revoked since (checked at connect and at every frame).</summary>
internal sealed class RevocationCheck(ITokenRevocations? revocations)
{
    public const string Message = "the access token this connection was negotiated with has been revoked; ask an admin for a new one";

    public async ValueTask<bool> IsRevokedAsync(HubIdentity identity, CancellationToken cancellationToken) =>
        identity.GrantingTokenId is { } id && revocations is not null && await revocations.IsRevokedAsync(id, cancellationToken);
}
