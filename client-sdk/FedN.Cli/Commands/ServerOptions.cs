using System.CommandLine;
using System.Text.Json;
using FedN.Client;
using FedN.Contracts;
using FedN.Core;
using FedN.Server;

namespace FedN.Cli.Commands;

/// <summary>
/// <c>--server URL</c> and <c>--token T</c> (or <c>FEDN_SERVER</c>, <c>FEDN_TOKEN</c>) and <c>--json</c>, shared by
/// every command that talks to a server.
/// </summary>
internal sealed class ServerOptions
{
    public const string ServerVariable = "FEDN_SERVER";
    public const string TokenVariable = "FEDN_TOKEN";

    private static readonly string DefaultServer = $"http://127.0.0.1:{LocalServerOptions.DefaultPort}/";

    private static readonly JsonSerializerOptions IndentedJson = new(FedNJson.Options) { WriteIndented = true };

    public Option<string[]> Server { get; } = new("--server")
    {
        // No default value: the environment is read when the command runs, so help and the
        // generated reference say the same on every machine.
        Description = $"The FedN server (default ${ServerVariable}, else {DefaultServer}). 'fedn client run' takes several nodes of one deployment (repeat it): it tries the next when one cannot be reached.",
        AllowMultipleArgumentsPerToken = false,
    };

    // No default value from the environment: help prints defaults, and a token must never be shown.
    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"The access token; prefer ${TokenVariable} or --token-file, since a command line is visible to every user of the machine (ps). Mint one with 'fedn token create'.",
    };

    public Option<FileInfo?> TokenFile { get; } = new("--token-file") { Description = "A file holding the access token (its first line)." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON (for scripts) instead of a table." };

    /// <summary>Adds the options to <paramref name="command"/>; <paramref name="json"/> adds <c>--json</c> too.</summary>
    public Command AddTo(Command command, bool json = true)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
        command.Options.Add(TokenFile);
        if (json)
        {
            command.Options.Add(Json);
        }

        return command;
    }

    /// <summary>The one server this command talks to.</summary>
    public Uri ServerUri(ParseResult parse) => ServerUris(parse) is [var one]
        ? one
        : throw new CliFailure($"--server is given {ServerUris(parse).Count} times: only 'fedn client run' takes several servers");

    /// <summary>Every server given, in order (several nodes of one deployment).</summary>
    public IReadOnlyList<Uri> ServerUris(ParseResult parse) => [.. (parse.GetValue(Server) is { Length: > 0 } given ? given : [Environment.GetEnvironmentVariable(ServerVariable) ?? DefaultServer]).Select(text =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliFailure($"--server '{text}' is not an http(s) URL"))];

    public string TokenOf(ParseResult parse)
    {
        if (parse.GetValue(Token) is { Length: > 0 } token)
        {
            return token;
        }

        if (parse.GetValue(TokenFile) is { } file)
        {
            try
            {
                return File.ReadLines(file.FullName).FirstOrDefault()?.Trim() is { Length: > 0 } stored
                    ? stored
                    : throw new CliFailure($"--token-file '{file.FullName}' is empty");
            }
            catch (IOException e)
            {
                throw new CliFailure($"--token-file '{file.FullName}' cannot be read: {e.Message}");
            }
        }

        return Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : throw new CliFailure($"no token: set {TokenVariable}, or pass --token-file or --token (mint one with 'fedn token create --role admin')");
    }

    public FedNApiClient Api(ParseResult parse) => new(ServerUri(parse), TokenOf(parse));

    /// <summary>Prints <paramref name="value"/> as JSON with --json, else <paramref name="table"/>.</summary>
    public async Task PrintAsync<T>(ParseResult parse, T value, Func<T, string> table)
    {
        await Console.Out.WriteAsync(parse.GetValue(Json) ? JsonSerializer.Serialize(value, IndentedJson) + Environment.NewLine : table(value));
    }
}
