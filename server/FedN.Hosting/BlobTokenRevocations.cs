using FedN.Security;
using FedN.Storage;

namespace FedN.Hosting;

/// <summary>
/// Revoked token ids kept as empty blobs under <see cref="Prefix"/>, in the deployment's own store,
/// so every server node and Functions instance sees them. Each process reads the list at most every
/// <see cref="RefreshInterval"/>; a revocation takes effect at once where it was made, and within
/// that interval everywhere else.
/// </summary>
public sealed class BlobTokenRevocations(IBlobStore blobs, TimeProvider? timeProvider = null) : ITokenRevocations, IDisposable
{
    /// <summary>Where revocations are kept.</summary>
    public const string Prefix = "auth/revoked/";

    /// <summary>How stale this process's copy of the list may get.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile HashSet<string> _revoked = new(StringComparer.Ordinal);

    // Revoked by this process: kept apart, so a refresh that listed just before the write cannot drop one.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _revokedHere = new(StringComparer.Ordinal);
    // UTC ticks of the last read (0: never), read and written atomically by concurrent callers.
    private long _readAtTicks;

    private bool IsStale => _time.GetUtcNow().UtcTicks - Volatile.Read(ref _readAtTicks) >= RefreshInterval.Ticks;

    /// <inheritdoc />
    public async ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        if (IsStale)
        {
            await RefreshAsync(cancellationToken);
        }

        return _revoked.Contains(tokenId) || _revokedHere.ContainsKey(tokenId);
    }

    /// <inheritdoc />
    public async Task RevokeAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        if (!AccessTokens.IsTokenId(tokenId))
        {
            throw new ArgumentException($"'{tokenId}' is not a token id: ids are 32 hex digits ('fedn token create' prints a token's id)", nameof(tokenId));
        }

        try
        {
            await blobs.UploadAsync(Prefix + tokenId, new MemoryStream([]), BlobWriteMode.CreateOnly, cancellationToken);
        }
        catch (BlobAlreadyExistsException)
        {
            // Revoked before.
        }

        _revokedHere[tokenId] = true;
    }

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Every API request and hub frame asks: while one caller reads the list, the others answer
        // from the copy they have rather than queue behind the read. Only the first read is waited for.
        var hasCopy = Volatile.Read(ref _readAtTicks) != 0;
        if (!await _refresh.WaitAsync(hasCopy ? TimeSpan.Zero : Timeout.InfiniteTimeSpan, cancellationToken))
        {
            return;
        }

        try
        {
            if (!IsStale)
            {
                return;
            }

            var revoked = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var blob in blobs.ListAsync(Prefix, cancellationToken))
            {
                revoked.Add(blob.Path[Prefix.Length..]);
            }

            _revoked = revoked;
            Volatile.Write(ref _readAtTicks, _time.GetUtcNow().UtcTicks);
        }
        finally
        {
            _refresh.Release();
        }
    }
}
