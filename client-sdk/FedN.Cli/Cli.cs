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
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }
}
