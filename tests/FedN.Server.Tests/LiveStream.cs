using System.Net.Http.Headers;
using System.Net.ServerSentEvents;

namespace FedN.Server.Tests;

/// <summary>One open <c>/api/v1/live</c> stream, read event by event.</summary>
internal sealed class LiveStream : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _items;

    private LiveStream(HttpClient http, HttpResponseMessage response, Stream body)
    {
        _http = http;
        _response = response;
        _items = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
    }

    public static async Task<LiveStream> OpenAsync(Uri baseUri, string token, string path)
    {
        var http = new HttpClient { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new LiveStream(http, response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next <paramref name="count"/> events that are not keep-alives.</summary>
    public async Task<List<SseItem<string>>> NextAsync(int count)
    {
        List<SseItem<string>> items = [];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (items.Count < count)
        {
            Assert.True(await _items.MoveNextAsync().AsTask().WaitAsync(timeout.Token), "the stream ended");
            if (_items.Current.EventType != "keepalive")
            {
                items.Add(_items.Current);
            }
        }

        return items;
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        await _items.DisposeAsync();
        _http.Dispose();
    }
}
