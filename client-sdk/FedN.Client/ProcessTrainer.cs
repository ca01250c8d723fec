using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedN.Client;

/// <summary>
/// A trainer that is an external program, like a FEDn compute package, so Python (or any) code joins
/// unchanged but for reading and writing safetensors:
/// <list type="bullet">
/// <item><c>&lt;command&gt; [args] train &lt;in.safetensors&gt; &lt;out.safetensors&gt;</c> writes the trained
/// model and, beside it, <c>out.json</c>: <c>{"numExamples": 600, "metrics": {"loss": 0.31}}</c>.</item>
/// <item><c>&lt;command&gt; [args] validate &lt;model.safetensors&gt; &lt;metrics.json&gt;</c> writes
/// <c>{"numExamples": 100, "metrics": {"accuracy": 0.93}}</c>.</item>
/// </list>
/// <c>num_examples</c> is accepted for <c>numExamples</c>. A non-zero exit fails the task with the program's last lines of stderr.
/// </summary>
public sealed class ProcessTrainer : ITrainer
{
    private const int StderrLinesKept = 20;

    private readonly string _command;
    private readonly IReadOnlyList<string> _trainArguments;
    private readonly IReadOnlyList<string> _validateArguments;
    private readonly string? _workingDirectory;
    private readonly IReadOnlyDictionary<string, string>? _environment;

    /// <summary>A program with one entry point per verb: <c>&lt;command&gt; [args] train|validate …</c>.</summary>
    /// <param name="command">The program, for example <c>python3</c>.</param>
    /// <param name="arguments">Arguments before the entry point, for example the script's path.</param>
    /// <param name="workingDirectory">Where the program runs; the current directory when null.</param>
    /// <param name="environment">Environment variables to set for the program (for example where its data is).</param>
    public ProcessTrainer(string command, IReadOnlyList<string>? arguments = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
        : this(command, [.. arguments ?? [], "train"], [.. arguments ?? [], "validate"], workingDirectory, environment)
    {
    }

    private ProcessTrainer(string command, IReadOnlyList<string> trainArguments, IReadOnlyList<string> validateArguments, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        _command = command;
        _trainArguments = trainArguments;
        _validateArguments = validateArguments;
        _workingDirectory = workingDirectory;
        _environment = environment;
    }

    /// <summary>
    /// A program with a command per entry point, as a compute package declares them: <paramref name="train"/>
    /// runs as <c>train… in.safetensors out.safetensors</c> and <paramref name="validate"/> as
    /// <c>validate… model.safetensors metrics.json</c>, with the same result files as above.
    /// </summary>
    /// <param name="train">The training command: program and arguments.</param>
    /// <param name="validate">The validation command: program and arguments.</param>
    /// <param name="workingDirectory">Where both run.</param>
    /// <param name="environment">Environment variables to set for the program.</param>
    /// <exception cref="ArgumentException">The two commands do not name the same program (one process trainer runs one program).</exception>
    public static ProcessTrainer ForEntryPoints(IReadOnlyList<string> train, IReadOnlyList<string> validate, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validate);
        if (train.Count == 0 || validate.Count == 0)
        {
            throw new ArgumentException("each entry point needs a command");
        }

        return train[0] == validate[0]
            ? new ProcessTrainer(train[0], [.. train.Skip(1)], [.. validate.Skip(1)], workingDirectory, environment)
            : throw new ArgumentException($"the train and validate entry points run different programs ('{train[0]}', '{validate[0]}'); use one program for both");
    }

    /// <summary>File extensions of scripts a first argument names, checked to exist by <see cref="EnsureStartable"/>.</summary>
    private static readonly string[] ScriptExtensions = [".py", ".sh", ".R", ".r", ".js", ".mjs", ".jl", ".rb", ".pl", ".ps1", ".dll"];

    /// <summary>
    /// Checks, before the client joins and accepts tasks, that the program can start: the command is
    /// a file or is found on <c>PATH</c> and may be executed, and a script named as the first
    /// argument (<c>train.py</c>) exists. A client that cannot train should say so at once, not at
    /// its first task.
    /// </summary>
    /// <exception cref="TrainerException">The program or its script cannot be found or run; the message says which and where it looked.</exception>
    public void EnsureStartable()
    {
        var directory = _workingDirectory ?? Environment.CurrentDirectory;
        if (Resolve(_command, directory) is not { } program)
        {
            throw new TrainerException(_command.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || _command.Contains('/', StringComparison.Ordinal)
                ? $"cannot start trainer '{_command}': there is no such file"
                : $"cannot start trainer '{_command}': it is not on PATH ({Environment.GetEnvironmentVariable("PATH")})");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(program) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            throw new TrainerException($"cannot start trainer '{program}': the file is not executable (chmod +x {program})");
        }

        if (_trainArguments is [var first, ..] && ScriptExtensions.Contains(Path.GetExtension(first), StringComparer.Ordinal)
            && !File.Exists(Path.Combine(directory, first)))
        {
            throw new TrainerException($"trainer script '{first}' does not exist in {directory}");
        }
    }

    /// <summary>The file a command runs: itself when it names a path, else the first match on PATH.</summary>
    private static string? Resolve(string command, string directory)
    {
        if (Path.IsPathRooted(command) || command.Contains('/', StringComparison.Ordinal) || command.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(command, directory);
            return File.Exists(path) ? path : null;
        }

        var suffixes = OperatingSystem.IsWindows() ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE").Split(';').Prepend("") : [""];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => suffixes.Select(suffix => Path.Combine(folder, command + suffix)))
            .FirstOrDefault(File.Exists);
    }

    /// <inheritdoc />
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resultPath = Path.ChangeExtension(request.OutputModelPath, ".json");
        await RunAsync([.. _trainArguments, request.InputModelPath, request.OutputModelPath], cancellationToken);
        if (!File.Exists(request.OutputModelPath))
        {
            throw new TrainerException($"'{_command} train' exited without writing {request.OutputModelPath}");
        }

        var result = await ReadResultAsync(resultPath, "train", cancellationToken);
        return new TrainingResult(result.NumExamples, result.Metrics);
    }

    /// <inheritdoc />
    public async Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resultPath = Path.ChangeExtension(request.ModelPath, ".validation.json");
        await RunAsync([.. _validateArguments, request.ModelPath, resultPath], cancellationToken);
        var result = await ReadResultAsync(resultPath, "validate", cancellationToken);
        return new ValidationResult(result.NumExamples, result.Metrics ?? new Dictionary<string, double>());
    }

    private async Task RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_command)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = _workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        Queue<string> stderr = new();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.Enqueue(line.Data);
                if (stderr.Count > StderrLinesKept)
                {
                    stderr.Dequeue();
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new TrainerException($"cannot start trainer '{_command}': {error.Message}");
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            string tail;
            lock (stderr)
            {
                tail = string.Join('\n', stderr);
            }

            throw new TrainerException($"'{_command} {string.Join(' ', start.ArgumentList)}' exited with code {process.ExitCode}{(tail.Length > 0 ? $":\n{tail}" : "")}");
        }
    }

    private async Task<(long NumExamples, Dictionary<string, double>? Metrics)> ReadResultAsync(string path, string entryPoint, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new TrainerException($"'{_command} {entryPoint}' did not write {path} (JSON with numExamples and metrics)");
        }

        ResultFile? result;
        try
        {
            await using var file = File.OpenRead(path);
            result = await JsonSerializer.DeserializeAsync<ResultFile>(file, ResultJson, cancellationToken);
        }
        catch (JsonException error)
        {
            throw new TrainerException($"{path} is not valid JSON with numExamples and metrics: {error.Message}");
        }

        var examples = result?.NumExamples ?? result?.NumExamplesSnake ?? 0;
        if (examples <= 0)
        {
            throw new TrainerException($"{path} must give a positive numExamples (or num_examples)");
        }

        return (examples, result!.Metrics);
    }

    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    private sealed record ResultFile
    {
        public long? NumExamples { get; init; }

        [JsonPropertyName("num_examples")]
        public long? NumExamplesSnake { get; init; }

        public Dictionary<string, double>? Metrics { get; init; }
    }
}

/// <summary>The trainer failed; the message says how, for the client's log.</summary>
public sealed class TrainerException(string message) : Exception(message);
