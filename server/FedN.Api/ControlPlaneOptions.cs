namespace FedN.Api;

/// <summary>Settings of the control-plane API.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>Largest model the API takes in an upload (8 GiB by default).</summary>
    public long MaxModelBytes { get; init; } = 8L << 30;

    /// <summary>How long the access token in a negotiated WebSocket URL is valid; an open connection outlives it.</summary>
    public TimeSpan ConnectionTokenLifetime { get; init; } = TimeSpan.FromHours(1);
}
