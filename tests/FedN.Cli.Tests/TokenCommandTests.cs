using FedN.Security;

namespace FedN.Cli.Tests;

[Collection(CliRun.Collection)]
public sealed class TokenCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("fedn-cli-token-").FullName;

    [Fact]
    public async Task Token_create_prints_only_a_token_signed_with_the_data_directory_key()
    {
        var (_, admin, said) = await CliRun.Run(0, "token", "create", "--role", "admin", "--data", _data);
        var (_, client, _) = await CliRun.Run(0, "token", "create", "--role", "client", "--client-id", "hospital-7", "--data", _data);

        var tokens = new AccessTokens(await SecretKeyFile.LoadOrCreateAsync(Path.Combine(_data, AuthSigningKey.FileName)));
        var adminIdentity = await tokens.ValidateAsync(admin.Trim());
        Assert.Equal(("admin", (string?)null), (adminIdentity.Role, adminIdentity.ClientId));
        var clientIdentity = await tokens.ValidateAsync(client.Trim());
        Assert.Equal(("client", "hospital-7"), (clientIdentity.Role, clientIdentity.ClientId));
        Assert.Single(admin.Trim().Split('\n'));

        // Its id, for revoking it, goes to stderr.
        Assert.True(AccessTokens.IsTokenId(adminIdentity.TokenId));
        Assert.Contains($"fedn token revoke {adminIdentity.TokenId}", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_token_without_a_client_id_is_refused_with_the_reason()
    {
        var (_, output, error) = await CliRun.Run(1, "token", "create", "--role", "client", "--data", _data);
        Assert.Empty(output);
        Assert.Contains("a client token needs the client's id", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_by_the_server_and_help_never_shows_the_token_in_use()
    {
        await using var server = await FedN.Testing.RunningServer.StartAsync();
        var (_, client, said) = await CliRun.Run(0, "token", "create", "--role", "client", "--client-id", "site", "--data", server.Options.DataDirectory);
        var id = AccessTokens.IdOf(client.Trim())!;
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Negotiate(http, client.Trim())).StatusCode);

        var tokenFile = Path.Combine(_data, "admin.token");
        await File.WriteAllTextAsync(tokenFile, server.AdminToken + "\n");
        var (_, revoked, _) = await CliRun.Run(0, "token", "revoke", id, "--server", server.BaseUri.ToString(), "--token-file", tokenFile);
        Assert.Contains($"token {id} revoked", revoked, StringComparison.Ordinal);
        using var refused = await Negotiate(http, client.Trim());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains($"the access token {id} has been revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Environment.SetEnvironmentVariable("FEDN_TOKEN", server.AdminToken);
        try
        {
            foreach (var command in new[] { new[] { "session", "start", "--help" }, ["demo", "--help"], ["client", "run", "--help"] })
            {
                var (_, help, _) = await CliRun.Run(0, command);
                Assert.DoesNotContain(server.AdminToken, help, StringComparison.Ordinal);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("FEDN_TOKEN", null);
        }
    }

    private static async Task<HttpResponseMessage> Negotiate(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clients/connect");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
