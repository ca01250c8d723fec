using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FedN.Testing;

/// <summary>An emulator installed by npm (the repository's package.json), started on 127.0.0.1 and killed on dispose.</summary>
public sealed class EmulatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _name;

    private EmulatorProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>Starts <c>node_modules/.bin/<paramref name="name"/></c> and waits until every port in <paramref name="ports"/> accepts connections.</summary>
    public static async Task<EmulatorProcess> StartAsync(string name, IEnumerable<string> arguments, params int[] ports)
    {
        var executable = Path.Combine(RepositoryRoot.Path, "node_modules", ".bin", name);
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{name} is not installed ({executable} is missing): run 'npm ci' at the repository root (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var emulator = new EmulatorProcess(Process.Start(start)!, name);
        emulator._process.OutputDataReceived += (_, _) => { };
        emulator._process.ErrorDataReceived += (_, _) => { };
        emulator._process.BeginOutputReadLine();
        emulator._process.BeginErrorReadLine();
        try
        {
            foreach (var port in ports)
            {
                await emulator.WaitForPortAsync(port);
            }

            return emulator;
        }
        catch
        {
            emulator.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before listening on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{_name} did not listen on port {port} within 30 s.");
    }
}

/// <summary>Finds the repository root (the directory holding FedN.sln) from the test's directory.</summary>
public static class RepositoryRoot
{
    /// <summary>The directory.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "FedN.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FedN.sln not found above " + AppContext.BaseDirectory);
    }
}
