using System.CommandLine;
using FedN.Cli;

// Ctrl-C and SIGTERM cancel the command; a stopping server gets time to hand its sessions over cleanly.
return await Cli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) });
