namespace FedN.Cli.Commands;

/// <summary>A failure the user can act on: printed as one line on stderr, exit code 1.</summary>
internal sealed class CliFailure(string message) : Exception(message);
