using System.CommandLine;
using FedN.Security;

namespace FedN.Cli.Commands;

/// <summary><c>fedn token create --role admin|client [--client-id ID] [--data DIR]</c>: mints an access token and prints only the token.</summary>
internal static class TokenCommands
{
    /// <summary>The data directory when none is given: the local server's default.</summary>
    public const string DefaultDataDirectory = ".fedn/data";

    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "admin (every control operation) or client (one client's tasks and updates).", Required = true };
        role.AcceptOnlyFromAmong(AccessTokenRoles.Admin, AccessTokenRoles.Client);
        var clientId = new Option<string?>("--client-id") { Description = "For a client token: the client it acts for." };
        var data = new Option<string>("--data") { Description = "The server's data directory, whose key signs the token (unless FedN__Auth__SigningKey is set).", DefaultValueFactory = _ => DefaultDataDirectory };
        var days = new Option<double>("--days") { Description = "How many days the token is valid.", DefaultValueFactory = _ => 30 };
        var create = new Command("create", "Mint an access token and print it (only the token, on stdout).") { role, clientId, data, days };
        create.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            if (parse.GetValue(days) is not (> 0 and <= 3650))
            {
                throw new CliFailure($"--days {parse.GetValue(days)} is out of range: a token is valid for more than 0 and at most 3650 days");
            }

            var key = await AuthSigningKey.LoadAsync(Environment.GetEnvironmentVariable("FedN__Auth__SigningKey"), parse.GetValue(data)!, ct);
            var token = new AccessTokens(key).Create(parse.GetValue(role)!, parse.GetValue(clientId), TimeSpan.FromDays(parse.GetValue(days)));
            await Console.Out.WriteLineAsync(token);
            await Console.Error.WriteLineAsync($"fedn: token id {AccessTokens.IdOf(token)} (revoke it with 'fedn token revoke {AccessTokens.IdOf(token)}')");
        }));

        var server = new ServerOptions();
        var id = new Argument<string>("id") { Description = "The token's id, as 'fedn token create' printed it." };
        var revoke = server.AddTo(new Command("revoke", "Revoke a token before it expires: the API and the hub refuse it from then on, and connections made with it close.") { id }, json: false);
        revoke.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            await api.RevokeTokenAsync(parse.GetValue(id)!, ct);
            await Console.Out.WriteLineAsync($"token {parse.GetValue(id)} revoked");
        }));
        return new Command("token", "Access tokens for the API and the client channel.") { create, revoke };
    }
}
