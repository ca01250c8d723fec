using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Testing;

namespace FedN.Client.Tests;

/// <summary>SDK clients against a real local server: starts them, and waits for sessions.</summary>
internal sealed class ClientFederation(RunningServer server) : IAsyncDisposable
{
    private readonly List<(FedNClient Client, Task Run)> _clients = [];
    private readonly CancellationTokenSource _stop = new();

    public RunningServer Server { get; set; } = server;

    public FedNApiClient Admin() => new(Server.BaseUri, Server.AdminToken);

    /// <summary>Starts a client that runs until the federation is disposed.</summary>
    public FedNClient Start(string clientId, ITrainer trainer, Action<ClientProgressEventArgs>? progress = null, TimeProvider? clock = null)
    {
        var client = new FedNClient(new FedNClientOptions
        {
            ServerUri = Server.BaseUri,
            Token = Server.ClientToken(clientId),
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            TimeProvider = clock,
        }, trainer);
        if (progress is not null)
        {
            client.Progress += (_, e) => progress(e);
        }

        _clients.Add((client, Task.Run(() => client.RunAsync(_stop.Token))));
        return client;
    }

    /// <summary>Waits until <paramref name="count"/> clients are online.</summary>
    public async Task WaitForOnlineAsync(int count)
    {
        using var admin = Admin();
        await WaitUntilAsync(async () => (await admin.ListClientsAsync(online: true)).Items.Count >= count, TimeSpan.FromSeconds(20), $"{count} clients online");
    }

    /// <summary>Uploads a seed and creates and starts a session on it.</summary>
    public async Task<string> StartSessionAsync(string sessionId, SessionConfig config, byte[] seed)
    {
        using var admin = Admin();
        await admin.UploadModelAsync(new MemoryStream(seed), $"{sessionId}-seed");
        await admin.CreateSessionAsync(new CreateSessionRequest { Id = sessionId, SeedModelId = $"{sessionId}-seed", Config = config, Start = true });
        return sessionId;
    }

    /// <summary>Waits for the session to end and returns its record.</summary>
    public async Task<SessionRecord> WaitForSessionAsync(string sessionId, TimeSpan timeout)
    {
        SessionRecord? session = null;
        await WaitUntilAsync(async () =>
        {
            using var admin = Admin();
            session = await admin.GetSessionAsync(sessionId);
            if (_clients.FirstOrDefault(c => c.Run.IsFaulted) is { Run.Exception: { } crash })
            {
                throw new InvalidOperationException($"a client stopped: {crash.InnerException}");
            }

            return session.Status.HasEnded();
        }, timeout, $"session {sessionId} to end");
        return session!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; API errors count as "not yet" (the server may be restarting).</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.UntilAsync(condition, timeout, what, transient: error => error is FedNApiException);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (client, run) in _clients)
        {
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await client.DisposeAsync();
        }

        _stop.Dispose();
    }
}
