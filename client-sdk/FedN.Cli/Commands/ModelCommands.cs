using System.CommandLine;

namespace FedN.Cli.Commands;

/// <summary><c>fedn model …</c>: work with model files.</summary>
internal static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Inspect, aggregate and generate safetensors model files; upload, list and download a server's models.");
        model.Subcommands.Add(InspectCommand.Create());
        model.Subcommands.Add(AggregateCommand.Create());
        model.Subcommands.Add(RandomModelCommand.Create());
        foreach (var command in ModelServerCommands.Create())
        {
            model.Subcommands.Add(command);
        }

        return model;
    }
}
