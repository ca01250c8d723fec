using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace FedN.Channel;

/// <summary>
/// The address clients reach this server at: the configured public URL when there is one (behind a
/// TLS proxy the request's own scheme and Host are the proxy's inside, and a Host header is the
/// caller's to choose), else the request's own address, as on a developer's machine. Negotiate builds
/// URLs on it and the local hub checks connection tokens against it, so both must agree.
/// </summary>
public static class ServerAddress
{
    /// <summary>The address for <paramref name="request"/>; false when there is no public URL and its Host header is not a host name.</summary>
    public static bool TryResolve(HttpRequest request, Uri? publicUri, [NotNullWhen(true)] out Uri? address)
    {
        ArgumentNullException.ThrowIfNull(request);
        address = publicUri;
        return address is not null || Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out address);
    }

    /// <summary>Why <see cref="TryResolve"/> failed, for a 400.</summary>
    public static string MalformedHost(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"the request's Host header '{request.Host}' is not a host name";
    }
}
