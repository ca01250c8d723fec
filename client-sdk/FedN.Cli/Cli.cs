using System.CommandLine;
using FedN.Cli.Commands;

namespace FedN.Cli;

/// <summary>The <c>fedn</c> command tree.</summary>
internal static class Cli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("FedN: federated learning on Azure serverless. Models are safetensors files.");
        root.Subcommands.Add(ModelCommands.Create());
        root.Subcommands.Add(TokenCommands.Create());
        root.Subcommands.Add(SessionCommands.Create());
        root.Subcommands.Add(ClientCommands.Create());
        root.Subcommands.Add(PackageCommands.Create());
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());

        // 'fedn help [command ...]' does what '--help' does, as users of git and dotnet expect.
        var words = new Argument<string[]>("command") { Description = "The command to describe, for example: session start.", Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "Describe a command (the same as --help).") { words };
        help.SetAction((parse, ct) => root.Parse([.. parse.GetValue(words) ?? [], "--help"]).InvokeAsync(cancellationToken: ct));
        root.Subcommands.Add(help);
        return root;
    }
}
