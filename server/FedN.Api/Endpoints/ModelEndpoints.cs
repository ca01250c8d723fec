using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core.Safetensors;
using FedN.Reducer;
using FedN.Storage;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/models</c>: upload a seed model, list, get, download, trail.</summary>
internal static class ModelEndpoints
{
    public static void Map(RouteGroupBuilder api, ControlPlaneOptions options)
    {
        var models = api.MapGroup("/models").WithTags("Models");
        models.MapGet("/", ListAsync).WithSummary("Models, oldest first (or ?newestFirst=true), optionally one session's");
        models.MapPost("/", (HttpContext context, FederationMetadata metadata, IBlobStore blobs, TimeProvider time, string? id, string? description, CancellationToken cancellationToken) =>
                UploadAsync(context, metadata, blobs, options, time.GetUtcNow(), id, description, cancellationToken))
            // No Accepts<> content-type constraint: a request the route would not match falls to the
            // catch-all as a 404 before its token is checked. The handler answers 415 itself.
            .WithDescription("The body is the safetensors file, sent with 'Content-Type: application/octet-stream'.")
            .WithSummary("Uploads a model (safetensors body) to the trail, as a seed for sessions");
        models.MapGet("/{id}", GetAsync).WithSummary("One model");
        models.MapGet("/{id}/content", DownloadAsync).WithSummary("The model's safetensors file");
        models.MapGet("/{id}/trail", TrailAsync).WithSummary("The model and its ancestors, newest first");
        models.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Deletes a model and its file; refused while a session that has not ended starts from it or trains it, or while another model descends from it");
    }

    private static async Task<Page<ModelRecord>> ListAsync(FederationMetadata metadata, string? sessionId, bool? newestFirst, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Models.ListAsync(Paging.Request(pageSize, continuationToken), sessionId, newestFirst ?? false, cancellationToken));

    private static async Task<IResult> GetAsync(FederationMetadata metadata, string id, CancellationToken cancellationToken) =>
        await metadata.Models.GetAsync(id, cancellationToken) is { } model
            ? TypedResults.Ok(model.Value)
            : ApiProblems.NotFound($"there is no model '{id}'; GET /api/v1/models lists them");

    private static async Task<IResult> DownloadAsync(FederationMetadata metadata, IBlobStore blobs, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Models.GetAsync(id, cancellationToken) is not { } model)
        {
            return ApiProblems.NotFound($"there is no model '{id}'; GET /api/v1/models lists them");
        }

        // Checked before the first byte goes out: once a 200 has started, a bad file could only be cut off.
        try
        {
            await ModelDigest.VerifyAsync(blobs, model.Value, cancellationToken);
        }
        catch (CorruptModelException corrupt)
        {
            return ApiProblems.CorruptModel(corrupt.Message);
        }

        var content = await blobs.OpenReadAsync(model.Value.BlobPath, cancellationToken);
        return TypedResults.Stream(content, "application/octet-stream", $"{id}.safetensors");
    }

    private static async Task<IResult> DeleteAsync(FederationMetadata metadata, IBlobStore blobs, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Models.GetAsync(id, cancellationToken) is not { Value: var model })
        {
            return ApiProblems.NotFound($"there is no model '{id}'; GET /api/v1/models lists them");
        }

        if ((await ActiveSessions.ListAsync(metadata, cancellationToken)).FirstOrDefault(s => s.SeedModelId == id || s.CurrentModelId == id) is { } user)
        {
            return ApiProblems.Conflict($"model '{id}' is in use by session '{user.Id}' ({user.Status.ToString().ToLowerInvariant()}); delete it once that session has ended");
        }

        if (await metadata.Models.FindChildAsync(id, cancellationToken) is { } child)
        {
            return ApiProblems.Conflict($"model '{id}' is the parent of model '{child.Id}' on the trail; delete its descendants first, newest first");
        }

        // The record first: once it is gone nothing hands the file out, and a file left by a delete cut short is only space.
        await metadata.Models.DeleteAsync(id, cancellationToken);
        await blobs.DeleteAsync(model.BlobPath, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<ModelRecord>> TrailAsync(FederationMetadata metadata, string id, int? limit, CancellationToken cancellationToken) =>
        await metadata.Models.GetTrailAsync(id, limit ?? ModelRepository.DefaultTrailLimit, cancellationToken);

    private static async Task<IResult> UploadAsync(HttpContext context, FederationMetadata metadata, IBlobStore blobs, ControlPlaneOptions options, DateTimeOffset now, string? id, string? description, CancellationToken cancellationToken)
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), "application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.UnsupportedMediaType($"a model is uploaded as 'Content-Type: application/octet-stream', not '{context.Request.ContentType ?? "none"}' (curl: --data-binary @model.safetensors -H 'Content-Type: application/octet-stream')");
        }

        id ??= GeneratedIds.New("model", now);
        MetadataPath.ValidateKeyPart(id, "model id");
        if (RoundLayout.IsCommittedModelId(id))
        {
            return ApiProblems.BadRequest($"model id '{id}' is reserved: ids ending in '-round-N' name the models sessions commit; upload under another id");
        }

        if (await metadata.Models.GetAsync(id, cancellationToken) is not null)
        {
            return ApiProblems.Conflict($"model '{id}' already exists; models are never overwritten, upload under another id");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxModelBytes;
        }

        if (context.Request.ContentLength > options.MaxModelBytes)
        {
            return ApiProblems.TooLarge($"the model has {context.Request.ContentLength} bytes; this server takes models up to {options.MaxModelBytes} bytes");
        }

        // The whole body is checked as a model before anything is stored: a bad upload leaves nothing behind.
        string? sha256 = null;
        var stored = await blobs.WriteAsync(RoundLayout.Model(id), BlobWriteMode.CreateOnly, async (file, token) =>
        {
            await context.Request.Body.CopyToAsync(file, token);
            file.Position = 0;
            sha256 = await ModelDigest.ComputeAsync(file, token);
            file.Position = 0;
            await using var reader = await SafetensorsReader.OpenAsync(file, leaveOpen: true, cancellationToken: token);
        }, cancellationToken);
        var model = await metadata.Models.CreateAsync(new ModelRecord
        {
            Id = id,
            BlobPath = stored.Path,
            SizeBytes = stored.Length,
            Sha256 = sha256,
            Description = description,
            CreatedAt = now,
        }, cancellationToken);
        return TypedResults.Created($"/api/v1/models/{id}", model.Value);
    }
}
