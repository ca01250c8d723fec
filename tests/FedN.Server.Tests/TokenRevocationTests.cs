using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using FedN.Testing;

namespace FedN.Server.Tests;

/// <summary>An admin revokes one token without rotating the key for everyone.</summary>
public sealed class TokenRevocationTests
{
    [Fact]
    public async Task A_revoked_token_is_refused_by_the_api_and_the_hub_and_its_open_connection_closes()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var minted = await (await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/tokens", server.AdminToken, JsonContent.Create(new { role = "client", clientId = "site", days = 1 }))).Content.ReadFromJsonAsync<JsonElement>();
        var token = minted.GetProperty("token").GetString()!;
        var id = minted.GetProperty("id").GetString()!;

        using var negotiated = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/clients/connect", token);
        var url = new Uri((await negotiated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
        await using var connection = await RawHubClient.ConnectedAsync(url);

        using (var revoked = await http.SendWithTokenAsync(HttpMethod.Post, $"/api/v1/tokens/{id}/revoke", server.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        // The API refuses the token, the hub refuses the URL negotiated with it, and the open connection closes at its next frame.
        using (var again = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/clients/connect", token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RawHubClient.RefusalAsync(url));
        await connection.SendAsync("{\"type\":\"event\",\"event\":\"heartbeat\",\"ackId\":1,\"dataType\":\"json\",\"data\":{}}");
        var disconnected = await connection.ReceiveUntilAsync(frame => frame.GetProperty("type").GetString() == "system");
        Assert.Contains("has been revoked", disconnected.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(await connection.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, connection.CloseStatus);

        // Other tokens are untouched; an id that is not one is refused with the reason.
        using var admin = await http.SendWithTokenAsync(HttpMethod.Get, "/api/v1/sessions", server.AdminToken);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        using var bad = await http.SendWithTokenAsync(HttpMethod.Post, "/api/v1/tokens/not-an-id/revoke", server.AdminToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
