using System.Diagnostics;
using System.Text;
using FedN.Server;

namespace FedN.Testing;

/// <summary>
/// A <c>fedn server</c> in a process of its own (the CLI the build made), so a test can kill it as a
/// crash would (SIGKILL: no graceful stop, no lease released). Its output is kept for failure messages.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _data;

    private ServerProcess(Process process, Uri baseUri, string data)
    {
        _process = process;
        BaseUri = baseUri;
        _data = data;
    }

    /// <summary>Where it serves.</summary>
    public Uri BaseUri { get; }

    /// <summary>What it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>fedn server --storage azure</c> on a free loopback port with <paramref name="environment"/>
    /// (<c>FedN__*</c> settings) and waits until it answers.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var cli = Path.Combine(RepositoryRoot.Path, "client-sdk", "FedN.Cli", "bin", "Release", "net10.0", "fedn.dll");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} is missing: build the solution in Release first");
        }

        var uri = LocalServerOptions.FreeLoopbackUri();
        var data = Directory.CreateTempSubdirectory("fedn-node-").FullName;
        var start = new ProcessStartInfo("dotnet", [cli, "server", "--storage", "azure", "--port", $"{uri.Port}", "--data", data])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start fedn server");
        var server = new ServerProcess(process, uri, data);
        process.OutputDataReceived += (_, line) => server.Append(line.Data);
        process.ErrorDataReceived += (_, line) => server.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"fedn server exited with {process.ExitCode}: {server.Output}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(uri, "/healthz"))).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"fedn server did not answer within 60 s: {server.Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash of the machine would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Kills the process if it still runs and deletes its data directory.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        Directory.Delete(_data, recursive: true);
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
