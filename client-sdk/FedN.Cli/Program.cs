using System.CommandLine;
using FedN.Cli.Commands;

var root = new RootCommand("FedN: federated learning on Azure serverless. Models are safetensors files.");
root.Subcommands.Add(ModelCommands.Create());
return await root.Parse(args).InvokeAsync();
