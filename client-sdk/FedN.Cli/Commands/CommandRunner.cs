using FedN.Contracts;
using FedN.Core;
using FedN.Core.Safetensors;

namespace FedN.Cli.Commands;

/// <summary>Runs a command body and turns the failures a user can cause into one line on stderr and exit code 1.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task> body)
    {
        try
        {
            await body();
            return 0;
        }
        catch (Exception e) when (e is CliFailure or Client.FedNApiException or SafetensorsFormatException or Core.Packages.PackageException or IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"fedn: {ErrorMessages.Of(e)}");
            return 1;
        }
    }

    /// <summary>Opens a model file, naming the file in any error.</summary>
    public static SafetensorsReader OpenModel(string path)
    {
        try
        {
            return SafetensorsReader.OpenFile(path);
        }
        catch (SafetensorsFormatException e)
        {
            throw new CliFailure($"{path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"{path}: cannot be read: {e.Message}");
        }
    }
}
