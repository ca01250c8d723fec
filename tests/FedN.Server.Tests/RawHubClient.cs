using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>A WebSocket that speaks raw frames to the hub: what a client in another language would send, checked against the documented shapes.</summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private RawHubClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The WebSocket URL that <c>POST /api/v1/clients/connect</c> gives client <paramref name="clientId"/>.</summary>
    public static async Task<Uri> NegotiateAsync(RunningServer server, string clientId)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, "/api/v1/clients/connect"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.ClientToken(clientId));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
    }

    /// <summary>Negotiates and connects as <paramref name="clientId"/>, and checks the <c>connected</c> message.</summary>
    public static async Task<RawHubClient> ConnectedAsync(RunningServer server, string clientId) => await ConnectedAsync(await NegotiateAsync(server, clientId));

    /// <summary>Connects to <paramref name="url"/> and checks the <c>connected</c> message.</summary>
    public static async Task<RawHubClient> ConnectedAsync(Uri url)
    {
        var client = await ConnectAsync(url);
        Assert.Equal("connected", (await client.ReceiveAsync())!.Value.GetProperty("event").GetString());
        return client;
    }

    public static async Task<RawHubClient> ConnectAsync(Uri url, string? subprotocol = "json.webpubsub.azure.v1")
    {
        var socket = new ClientWebSocket();
        if (subprotocol is not null)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(url, timeout.Token);
        return new RawHubClient(socket);
    }

    /// <summary>Tries to connect; returns the HTTP status of the refusal.</summary>
    public static async Task<HttpStatusCode> RefusalAsync(Uri url, string? subprotocol = "json.webpubsub.azure.v1")
    {
        using var socket = new ClientWebSocket();
        if (subprotocol is not null)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None));
        return socket.HttpStatusCode;
    }

    public Task SendAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBytesAsync(byte[] frame) => _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next frame as JSON, or null when the server closed.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(chunk, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Write(chunk, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    /// <summary>Frames until one matches; fails if the connection closes first.</summary>
    public async Task<JsonElement> ReceiveUntilAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReceiveAsync(timeout) ?? throw new InvalidOperationException("the hub closed the connection");
            if (match(frame))
            {
                return frame;
            }
        }
    }

    public Task<JsonElement> AckAsync(ulong ackId) =>
        ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "ack" && frame.GetProperty("ackId").GetUInt64() == ackId);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                _socket.Abort();
            }
        }

        _socket.Dispose();
    }
}
