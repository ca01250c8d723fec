using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FedN.Testing;

/// <summary>An emulator installed by npm (the repository's package.json), started on 127.0.0.1 and killed on dispose.</summary>
public sealed class EmulatorProcess : IDisposable
{
    private const int OutputLinesKept = 10;
    private const int Attempts = 3;
    private readonly Process _process;
    private readonly string _name;
    private readonly Queue<string> _output = new();

    private EmulatorProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>
    /// Starts <c>node_modules/.bin/<paramref name="name"/></c> on <paramref name="portCount"/> free
    /// ports (<paramref name="arguments"/> gets them) and waits until each accepts connections. A free
    /// port can be taken by another test's emulator between choosing it and binding it: an emulator
    /// that exits before it listens is started again on other ports, up to three times.
    /// </summary>
    public static async Task<(EmulatorProcess Emulator, int[] Ports)> StartOnFreePortsAsync(string name, int portCount, Func<int[], IEnumerable<string>> arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = Enumerable.Range(0, portCount).Select(_ => FedN.Server.LocalServerOptions.FreeLoopbackUri().Port).ToArray();
            try
            {
                return (await StartAsync(name, arguments(ports), ports), ports);
            }
            catch (EmulatorExitedException) when (attempt < Attempts)
            {
            }
        }
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
        emulator._process.OutputDataReceived += (_, line) => emulator.Keep(line.Data);
        emulator._process.ErrorDataReceived += (_, line) => emulator.Keep(line.Data);
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

    /// <summary>The last lines the emulator wrote, for the message if it dies.</summary>
    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                string said;
                lock (_output)
                {
                    said = string.Join(" | ", _output);
                }

                throw new EmulatorExitedException($"{_name} exited with code {_process.ExitCode} before listening on port {port}{(said.Length > 0 ? $": {said}" : ".")}");
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

/// <summary>An emulator exited before it listened (its last lines are in the message).</summary>
public sealed class EmulatorExitedException(string message) : InvalidOperationException(message);
