using FedN.Security;

namespace FedN.Cli.Tests;

[Collection(CliRun.Collection)]
public sealed class TokenCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("fedn-cli-token-").FullName;

    [Fact]
    public async Task Token_create_prints_only_a_token_signed_with_the_data_directory_key()
    {
        var (_, admin, _) = await CliRun.Run(0, "token", "create", "--role", "admin", "--data", _data);
        var (_, client, _) = await CliRun.Run(0, "token", "create", "--role", "client", "--client-id", "hospital-7", "--data", _data);

        var tokens = new AccessTokens(await SecretKeyFile.LoadOrCreateAsync(Path.Combine(_data, AuthSigningKey.FileName)));
        Assert.Equal(new AccessTokenIdentity("admin", null), await tokens.ValidateAsync(admin.Trim()));
        Assert.Equal(new AccessTokenIdentity("client", "hospital-7"), await tokens.ValidateAsync(client.Trim()));
        Assert.Single(admin.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_client_token_without_a_client_id_is_refused_with_the_reason()
    {
        var (_, output, error) = await CliRun.Run(1, "token", "create", "--role", "client", "--data", _data);
        Assert.Empty(output);
        Assert.Contains("a client token needs the client's id", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
