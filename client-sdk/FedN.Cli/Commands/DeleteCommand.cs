using System.CommandLine;
using FedN.Client;

namespace FedN.Cli.Commands;

/// <summary><c>fedn session|model|client delete ID</c>: one shape for the three.</summary>
internal static class DeleteCommand
{
    public static Command Create(string noun, string description, Func<FedNApiClient, string, CancellationToken, Task> delete)
    {
        var server = new ServerOptions();
        var id = new Argument<string>("id") { Description = $"The {noun}'s id." };
        var command = server.AddTo(new Command("delete", description) { id }, json: false);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            await delete(api, parse.GetValue(id)!, ct);
            await Console.Out.WriteLineAsync($"{noun} {parse.GetValue(id)} deleted");
        }));
        return command;
    }
}
