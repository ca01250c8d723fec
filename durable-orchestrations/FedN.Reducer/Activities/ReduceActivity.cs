using FedN.Core.Aggregation;
using FedN.Storage;

namespace FedN.Reducer.Activities;

/// <summary>
/// Merges the shards' partials (weighted, so K combiners give exactly one flat FedAvg) and applies the
/// server optimizer with its saved state, writing the new global model and the new state. Its
/// outputs are a function of its inputs, so a retry writes the same bytes.
/// </summary>
internal sealed class ReduceActivity(ReducerStores stores)
{
    public async Task<ReduceResult> RunAsync(ReduceRequest request, CancellationToken cancellationToken)
    {
        var aggregator = Aggregators.Create(request.Aggregator, request.Hyperparameters);
        // Every partial comes at once: a one-shot sum folds them while the model is written, so the
        // reducer never holds a model-sized sum (a fresh serverless instance would fault in all of it).
        using var merged = aggregator.CreatePartial(await stores.Blobs.ReadHeaderAsync(request.ModelPath, cancellationToken), PartialOptions.AllAtOnce);
        var refused = await merged.AddPartialsAsync([.. request.Partials.Select(path => stores.Blobs.Source(path))], cancellationToken);
        if (refused.Count > 0)
        {
            throw new InvalidDataException($"partial '{refused[0].Id}' cannot be merged: {refused[0].Reason}");
        }

        // The model is written straight into its blob (no local copy to upload), and hashed there
        // before it appears; the optimizer state, written alongside it, waits in a local file.
        var stateFile = TemporaryFile();
        try
        {
            AggregationResult? result = null;
            string? sha256 = null;
            var noiseSeed = await NoiseSeedAsync(request, cancellationToken);
            var modelBlob = await stores.Blobs.WriteAsync(RoundLayout.Model(request.NewModelId), BlobWriteMode.Overwrite, async (model, ct) =>
            {
                await using (var state = File.Create(stateFile))
                {
                    result = await aggregator.ReduceAsync(merged, new ReduceContext
                    {
                        ModelOutput = model,
                        GlobalModel = stores.Blobs.Source(request.ModelPath),
                        OptimizerState = request.OptimizerStatePath is { } previous ? stores.Blobs.Source(previous) : null,
                        OptimizerStateOutput = state,
                        Resolve = path => stores.Blobs.Source(path),
                        Round = request.Round,
                        NoiseSeed = noiseSeed,
                        Metadata = new Dictionary<string, string> { ["fedn.model_id"] = request.NewModelId, ["fedn.session"] = request.SessionId },
                    }, ct);
                }

                model.Position = 0;
                sha256 = await ModelDigest.ComputeAsync(model, ct);
            }, cancellationToken);

            string? statePath = null;
            if (new FileInfo(stateFile).Length > 0)
            {
                statePath = RoundLayout.OptimizerState(request.SessionId, request.Round);
                await using var state = File.OpenRead(stateFile);
                await stores.Blobs.UploadAsync(statePath, state, BlobWriteMode.Overwrite, cancellationToken);
            }

            return new ReduceResult(modelBlob.Path, modelBlob.Length, statePath, result!.Count, result.TotalWeight) { Sha256 = sha256 };
        }
        finally
        {
            File.Delete(stateFile);
        }
    }

    /// <summary>The round plan's secret seed, mixed with the attempt so that no two attempts of a round share noise.</summary>
    private async Task<ulong?> NoiseSeedAsync(ReduceRequest request, CancellationToken cancellationToken)
    {
        var layout = new RoundLayout(request.SessionId, request.Round, request.Attempt);
        var plan = await BlobJson.ReadAsync<RoundPlan>(stores.Blobs, layout.Plan, cancellationToken);
        return plan?.NoiseSeed is { } seed ? Core.Numerics.StableSeeds.Combine(seed, (ulong)request.Attempt) : null;
    }

    private static string TemporaryFile() => Path.Combine(Path.GetTempPath(), $"fedn-reduce-{Guid.NewGuid():N}.tmp");
}
