using System.Globalization;
using FedN.Contracts.Messaging;
using FedN.Storage;

namespace FedN.Reducer.Activities;

/// <summary>Builds a client's task from a dispatch request: one way for the dispatch and for a client that reconnects.</summary>
internal static class TaskUrls
{
    /// <summary>The read URL of the request's model, valid until its deadline plus slack.</summary>
    public static Task<Uri> ModelAsync(IBlobStore blobs, DispatchRequest request, ReducerOptions options, CancellationToken cancellationToken) =>
        blobs.CreateDownloadUrlAsync(request.ModelPath, Lifetime(request, options), cancellationToken);

    /// <summary>Client <paramref name="clientId"/>'s task, with its own create-only upload URL for training.</summary>
    public static async Task<ClientTask> TaskAsync(IBlobStore blobs, DispatchRequest request, string clientId, int shard, Uri modelUrl, ReducerOptions options, CancellationToken cancellationToken)
    {
        var layout = new RoundLayout(request.SessionId, request.Round, request.Attempt);
        var uploadUrl = request.Kind == ClientTaskKind.Train
            ? await blobs.CreateUploadUrlAsync(layout.Update(clientId), Lifetime(request, options), request.MaxUpdateBytes, cancellationToken)
            : null;
        var packageUrl = request.PackagePath is { } packagePath
            ? await blobs.CreateDownloadUrlAsync(packagePath, Lifetime(request, options), cancellationToken)
            : null;
        return new ClientTask
        {
            TaskId = string.Create(CultureInfo.InvariantCulture, $"{request.SessionId}/{request.Round}/{request.Attempt}/{request.Kind.ToString().ToLowerInvariant()}"),
            Kind = request.Kind,
            SessionId = request.SessionId,
            Round = request.Round,
            Attempt = request.Attempt,
            Shard = shard,
            ModelId = request.ModelId,
            ModelUrl = modelUrl,
            ModelSha256 = request.ModelSha256,
            UploadUrl = uploadUrl,
            PackageId = request.PackageId,
            PackageUrl = packageUrl,
            Deadline = request.Deadline,
            TraceParent = Telemetry.RoundTrace.TraceParent(request.SessionId, request.Round, request.Attempt),
        };
    }

    /// <summary>The most bytes an update of a model of <paramref name="modelBytes"/> bytes may take: the same tensors, and room for a different header.</summary>
    public static long MaxUpdateBytes(long modelBytes) => modelBytes + Math.Max(1 << 20, modelBytes / 100);

    private static TimeSpan Lifetime(DispatchRequest request, ReducerOptions options) =>
        request.Deadline - options.TimeProvider.GetUtcNow() + options.UrlSlack;
}
