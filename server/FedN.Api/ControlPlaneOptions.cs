namespace FedN.Api;

/// <summary>Settings of the control-plane API.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>Largest model the API takes in an upload (8 GiB by default).</summary>
    public long MaxModelBytes { get; init; } = 8L << 30;

    /// <summary>
    /// The address clients reach this server at (its public URL, behind a proxy the proxy's):
    /// negotiated WebSocket URLs are built on it. When absent they are built from the request.
    /// </summary>
    public Uri? PublicUri { get; init; }

    /// <summary>Largest JSON body of any other request (1 MiB by default): a session's configuration is a few hundred bytes.</summary>
    public long MaxJsonBodyBytes { get; init; } = 1 << 20;

    /// <summary>How long the access token in a negotiated WebSocket URL is valid; an open connection outlives it.</summary>
    public TimeSpan ConnectionTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often a live stream (<c>/api/v1/live</c>) looks for changes.</summary>
    public TimeSpan LivePollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After how long without a change a live stream sends a keep-alive event.</summary>
    public TimeSpan LiveKeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one live stream lasts before the server ends it and the watcher reconnects (a serverless instance is not held forever).</summary>
    public TimeSpan LiveStreamLifetime { get; init; } = TimeSpan.FromMinutes(10);
}
