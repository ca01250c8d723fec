using System.Collections.Concurrent;
using System.Net;
using FedN.Client;

namespace FedN.Bench.Load;

/// <summary>
/// N SDK clients in this process, sharing one HTTP connection pool (as clients behind one gateway
/// would share nothing, but one process has to), each training by copying the global model: the
/// load is the server's per-update path, not arithmetic. Records when each round's tasks arrived
/// and when its reports were acknowledged.
/// </summary>
internal sealed class LoadClients : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly List<FedNClient> _clients = [];
    private readonly List<Task> _running = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, RoundMarks> _rounds = new();
    private readonly CopyTrainer _trainer = new();
    private int _connected;
    private int _failures;
    private string? _lastFailure;

    public LoadClients(string workDirectory)
    {
        WorkDirectory = workDirectory;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public string WorkDirectory { get; }

    public int Connected => Volatile.Read(ref _connected);

    public int Failures => Volatile.Read(ref _failures);

    public string? LastFailure => _lastFailure;

    /// <summary>Starts one client per token; they connect in the background.</summary>
    public void Start(Uri server, IEnumerable<string> tokens, TimeSpan heartbeat)
    {
        foreach (var token in tokens)
        {
            var client = new FedNClient(new FedNClientOptions
            {
                ServerUri = server,
                Token = token,
                HttpClient = _http,
                WorkDirectory = WorkDirectory,
                HeartbeatInterval = heartbeat,
                ConnectTimeout = TimeSpan.FromSeconds(60),
                AckTimeout = TimeSpan.FromSeconds(60),
                ReceiptTimeout = TimeSpan.FromSeconds(120),
            }, _trainer);
            client.Progress += (_, progress) => Observe(progress);
            _clients.Add(client);
            _running.Add(Task.Run(() => client.RunAsync(_stop.Token)));
        }
    }

    /// <summary>Marks of round <paramref name="round"/> (tasks received, reports acknowledged).</summary>
    public RoundMarks Round(int round) => _rounds.GetOrAdd(round, _ => new RoundMarks());

    private void Observe(ClientProgressEventArgs progress)
    {
        var now = DateTimeOffset.UtcNow;
        switch (progress.Stage)
        {
            case ClientStage.Connected:
                Interlocked.Increment(ref _connected);
                break;
            case ClientStage.Disconnected:
                Interlocked.Decrement(ref _connected);
                break;
            case ClientStage.TaskReceived when progress.Round is { } round:
                Round(round).TaskReceived(now);
                break;
            case ClientStage.Reported when progress.Round is { } round:
                Round(round).Reported(now);
                break;
            case ClientStage.TaskFailed or ClientStage.TaskSkipped:
                Interlocked.Increment(ref _failures);
                _lastFailure = progress.Message;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _http.Dispose();
        _stop.Dispose();
        _trainer.Dispose();
    }

    /// <summary>
    /// An update that is the global model itself: the cheapest training there is. At most 64 train
    /// at once: ten thousand clients on ten thousand machines would each have their own file
    /// handles, and this one process has a limit of its own.
    /// </summary>
    private sealed class CopyTrainer : ITrainer, IDisposable
    {
        private readonly SemaphoreSlim _files = new(64);

        public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
        {
            await _files.WaitAsync(cancellationToken);
            try
            {
                await using var source = new FileStream(request.InputModelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
                await using var destination = new FileStream(request.OutputModelPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
                await source.CopyToAsync(destination, 64 << 10, cancellationToken);
            }
            finally
            {
                _files.Release();
            }

            return new TrainingResult(100, new Dictionary<string, double> { ["loss"] = 1 });
        }

        public void Dispose() => _files.Dispose();

        public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ValidationResult(100, new Dictionary<string, double> { ["accuracy"] = 0.5 }));
    }
}

/// <summary>When a round's tasks arrived at its clients and its reports were acknowledged.</summary>
internal sealed class RoundMarks
{
    private readonly Lock _lock = new();

    public DateTimeOffset? FirstTask { get; private set; }

    public DateTimeOffset? LastTask { get; private set; }

    public DateTimeOffset? LastReport { get; private set; }

    public int Tasks { get; private set; }

    public int Reports { get; private set; }

    public void TaskReceived(DateTimeOffset at)
    {
        lock (_lock)
        {
            FirstTask ??= at;
            LastTask = at;
            Tasks++;
        }
    }

    public void Reported(DateTimeOffset at)
    {
        lock (_lock)
        {
            LastReport = at;
            Reports++;
        }
    }
}
