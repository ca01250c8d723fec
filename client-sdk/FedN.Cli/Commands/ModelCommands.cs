using System.CommandLine;

namespace FedN.Cli.Commands;

/// <summary><c>fedn model …</c>: work with model files.</summary>
internal static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Inspect, aggregate and generate safetensors model files.");
        model.Subcommands.Add(InspectCommand.Create());
        model.Subcommands.Add(AggregateCommand.Create());
        model.Subcommands.Add(RandomModelCommand.Create());
        return model;
    }
}
