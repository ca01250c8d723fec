using System.Diagnostics;
using FedN.Contracts.Federation;
using FedN.Contracts.Messaging;
using FedN.Storage;

namespace FedN.Reducer.Activities;

/// <summary>
/// Sends every planned client its task: the model's read URL and, for training, a create-only URL
/// for its own update, both expiring with the round. Resending on retry is harmless: task ids are
/// stable, so a client does the work once. The request is kept beside the plan, so a client that
/// (re)connects during the round gets its task again (<see cref="Intake.OpenTasks"/>). A dispatch
/// delivered again after its attempt has ended (a node killed before the engine heard it was done)
/// sends nothing and leaves the round record alone.
/// </summary>
internal sealed class DispatchActivity(ReducerStores stores, ReducerOptions options)
{
    public async Task<int> RunAsync(DispatchRequest request, CancellationToken cancellationToken)
    {
        Activity.Current?.SetTag("fedn.task.kind", request.Kind.ToString().ToLowerInvariant());
        var layout = new RoundLayout(request.SessionId, request.Round, request.Attempt);
        if ((await stores.Metadata.Rounds.GetAsync(request.SessionId, request.Round, cancellationToken))?.Value is { } current
            && (current.Attempt != request.Attempt || current.EndedAt is not null))
        {
            return 0;
        }

        var plan = await BlobJson.ReadAsync<RoundPlan>(stores.Blobs, layout.Plan, cancellationToken)
            ?? throw new InvalidOperationException($"round {request.Round} (attempt {request.Attempt}) of session '{request.SessionId}' has no plan");
        request = await WithPackageAsync(request, cancellationToken);
        if (request.Kind == ClientTaskKind.Train)
        {
            // The model clients will train from is checked against the trail before anyone gets it.
            var record = (await stores.Metadata.Models.GetAsync(request.ModelId, cancellationToken))?.Value
                ?? throw new CorruptModelException(request.ModelId, $"model '{request.ModelId}' is not on the trail");
            var file = await ModelDigest.VerifyAsync(stores.Blobs, record, cancellationToken);
            request = request with { ModelSha256 = record.Sha256, MaxUpdateBytes = TaskUrls.MaxUpdateBytes(file.Length), ModelBytes = file.Length };
        }
        else
        {
            var file = await stores.Blobs.GetPropertiesAsync(request.ModelPath, cancellationToken)
                ?? throw new InvalidOperationException($"round {request.Round} (attempt {request.Attempt}) of session '{request.SessionId}' has no model '{request.ModelPath}' to validate");
            request = request with { ModelBytes = file.Length };
        }

        await BlobJson.WriteAsync(stores.Blobs, layout.Dispatch(request.Kind), request, BlobWriteMode.Overwrite, cancellationToken);
        var tasks = plan.Shards.Sum(shard => shard.Count);
        var modelBytes = request.ModelBytes.Value;

        // Before any task goes out: the intake takes validations only from a validating round, and
        // counts what a client was sent from the round's traffic.
        await stores.Metadata.Rounds.UpdateAsync(request.SessionId, request.Round, round => round.Attempt != request.Attempt ? round : request.Kind == ClientTaskKind.Train
            ? round with { Traffic = (round.Traffic ?? new RoundTraffic()) with { ModelBytes = modelBytes, TrainingBytesDown = tasks * modelBytes } }
            : round with { Status = RoundStatus.Validating, Traffic = (round.Traffic ?? new RoundTraffic()) with { ValidationBytesDown = tasks * modelBytes } }, cancellationToken);

        var modelUrl = await TaskUrls.ModelAsync(stores.Blobs, request, options, cancellationToken);
        var assignments = plan.Shards.SelectMany((clients, shard) => clients.Select(client => (Client: client, Shard: shard)));
        await Parallel.ForEachAsync(assignments, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (assignment, ct) =>
            await stores.Channel.SendTaskAsync(assignment.Client, await TaskUrls.TaskAsync(stores.Blobs, request, assignment.Client, assignment.Shard, modelUrl, options, ct), ct));

        return tasks;
    }

    /// <summary>The request with the session's compute package, which must still be on the server.</summary>
    private async Task<DispatchRequest> WithPackageAsync(DispatchRequest request, CancellationToken cancellationToken)
    {
        var session = (await stores.Metadata.Sessions.GetAsync(request.SessionId, cancellationToken))?.Value;
        if (session?.Config.Package is not { } packageId)
        {
            return request;
        }

        var package = (await stores.Metadata.Packages.GetAsync(packageId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"session '{request.SessionId}' runs package '{packageId}', which is no longer on the server");
        return request with { PackageId = package.Id, PackagePath = package.BlobPath };
    }
}
