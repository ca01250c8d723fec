using System.Net;

namespace FedN.Client;

/// <summary>The server refused an API call; <see cref="Exception.Message"/> is its problem detail, which says what to do.</summary>
public sealed class FedNApiException(HttpStatusCode status, string title, string detail) : Exception(detail)
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>The problem's title.</summary>
    public string Title { get; } = title;
}
