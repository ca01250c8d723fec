namespace FedN.Cli.Tests;

/// <summary>Runs the CLI in-process with its console captured; tests that do share one collection, since the console is global.</summary>
internal static class CliRun
{
    public const string Collection = "console";

    public static async Task<(int Exit, string Out, string Error)> Run(int expectedExit, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        int exit;
        try
        {
            exit = await Cli.Build().Parse(args).InvokeAsync();
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }

        Assert.True(expectedExit == exit, $"exit {exit}, expected {expectedExit}: {stderr}");
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
