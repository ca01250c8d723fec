using System.Net.Http.Headers;

namespace FedN.Server.Tests;

/// <summary>Requests to the control-plane API as the tests send them.</summary>
internal static class ApiRequests
{
    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with <paramref name="token"/> as the bearer token, or none.</summary>
    public static async Task<HttpResponseMessage> SendWithTokenAsync(this HttpClient http, HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>A model file as the upload endpoint takes it.</summary>
    public static HttpContent ModelContent(byte[] model) =>
        new ByteArrayContent(model) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
}
