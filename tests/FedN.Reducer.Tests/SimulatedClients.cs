using System.Collections.Concurrent;
using System.Net.Http.Headers;
using FedN.Contracts.Messaging;
using FedN.Core.Safetensors;
using FedN.Reducer.Intake;
using FedN.Testing.Shared;

namespace FedN.Reducer.Tests;

/// <summary>How a simulated client answers its tasks.</summary>
internal enum ClientBehaviour
{
    /// <summary>Trains (adds its own delta), uploads and reports; validates.</summary>
    Normal,

    /// <summary>Never answers.</summary>
    Silent,

    /// <summary>Never answers at the first attempt of a round, answers later attempts.</summary>
    SilentAtFirstAttempt,

    /// <summary>Uploads an update full of NaN.</summary>
    NaN,

    /// <summary>Reports its update twice.</summary>
    ReportsTwice,

    /// <summary>Uploads a model of another architecture (one tensor 'other' of 3 values).</summary>
    WrongModel,
}

/// <summary>
/// Clients of a federation, behind the channel port: they receive tasks, download the model over
/// its real transfer URL, "train" (add a delta that depends on the client and the round), upload
/// over the create-only URL and report through the same handler the channel's events reach.
/// </summary>
internal sealed class SimulatedClients : IClientChannel
{
    private readonly ConcurrentDictionary<string, ClientBehaviour> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Task> _work = new();
    private static readonly HttpClient Http = new();

    /// <summary>Where the clients' reports go: the handler the channel's events reach.</summary>
    public ClientReportHandler Reports { get; set; } = null!;

    public ConcurrentQueue<(string Client, ClientTask Task)> Received { get; } = new();

    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>Training examples of client <paramref name="client"/>: its weight.</summary>
    public static long Examples(string client) => 100 + (10 * (long)(client[^1] - '0'));

    /// <summary>What client <paramref name="client"/> adds to every parameter in round <paramref name="round"/>.</summary>
    public static float Delta(string client, int round) => (client[^1] - '0' + 1) * 0.01f * round;

    /// <summary>What FedAvg of <paramref name="clients"/>' updates adds to every parameter in round <paramref name="round"/>: the example-weighted mean delta.</summary>
    public static double FedAvgShift(IReadOnlyList<string> clients, int round) =>
        clients.Sum(client => Examples(client) * (double)Delta(client, round)) / clients.Sum(Examples);

    public void Add(string client, ClientBehaviour behaviour = ClientBehaviour.Normal) => _clients[client] = behaviour;

    public Task SendTaskAsync(string clientId, ClientTask task, CancellationToken cancellationToken = default)
    {
        Received.Enqueue((clientId, task));
        if (_clients.TryGetValue(clientId, out var behaviour) && _done.TryAdd($"{clientId}|{task.TaskId}", true))
        {
            _work.Enqueue(Task.Run(async () =>
            {
                try
                {
                    await AnswerAsync(clientId, behaviour, task);
                }
                catch (Exception e) when (e is not ClientReportRejectedException)
                {
                    Errors.Enqueue(e);
                }
                catch (ClientReportRejectedException)
                {
                    // A late or repeated report: the server said no, as it should.
                }
            }, CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    private async Task AnswerAsync(string client, ClientBehaviour behaviour, ClientTask task)
    {
        if (behaviour == ClientBehaviour.Silent || (behaviour == ClientBehaviour.SilentAtFirstAttempt && task.Attempt == 1))
        {
            return;
        }

        var model = await Http.GetByteArrayAsync(task.ModelUrl);
        if (task.Kind == ClientTaskKind.Validate)
        {
            await Reports.SubmitValidationAsync(client, new ValidationReport
            {
                SessionId = task.SessionId,
                Round = task.Round,
                ModelId = task.ModelId,
                NumExamples = 50,
                Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5 + (0.1 * task.Round) + (0.01 * (client[^1] - '0')) },
            });
            return;
        }

        var update = behaviour == ClientBehaviour.WrongModel
            ? await F32Models.CreateAsync([new("other", DType.F32, [3])], _ => 1f)
            : await F32Models.ShiftAsync(model, behaviour == ClientBehaviour.NaN ? float.NaN : Delta(client, task.Round));
        using var content = new ByteArrayContent(update);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = new HttpRequestMessage(HttpMethod.Put, task.UploadUrl) { Content = content };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        (await Http.SendAsync(put)).EnsureSuccessStatusCode();
        var report = new UpdateReport
        {
            SessionId = task.SessionId,
            Round = task.Round,
            Attempt = task.Attempt,
            Shard = task.Shard,
            NumExamples = Examples(client),
            Metrics = new Dictionary<string, double> { ["loss"] = 1.0 / task.Round },
        };
        await Reports.SubmitUpdateAsync(client, report);
        if (behaviour == ClientBehaviour.ReportsTwice)
        {
            await Reports.SubmitUpdateAsync(client, report);
        }
    }


    /// <summary>Waits for the answers started so far.</summary>
    public async Task DrainAsync()
    {
        while (_work.TryDequeue(out var work))
        {
            await work;
        }
    }
}
