using FedN.Cli;

return await Cli.Build().Parse(args).InvokeAsync();
