using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core.Packages;
using FedN.Reducer;
using FedN.Storage;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/packages</c>: upload a compute package, list, get, download, delete.</summary>
internal static class PackageEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var packages = api.MapGroup("/packages").WithTags("Packages");
        packages.MapGet("/", ListAsync).WithSummary("Compute packages, by id");
        packages.MapPost("/", (HttpContext context, FederationMetadata metadata, IBlobStore blobs, TimeProvider time, CancellationToken cancellationToken) =>
                UploadAsync(context, metadata, blobs, time.GetUtcNow(), cancellationToken))
            .WithDescription("The body is the archive 'fedn package create' wrote, sent with 'Content-Type: application/octet-stream'. Uploading a package that is there already returns it.")
            .WithSummary("Uploads a compute package, checked whole before it is stored");
        packages.MapGet("/{id}", GetAsync).WithSummary("One package");
        packages.MapGet("/{id}/content", DownloadAsync).WithSummary("The package's archive");
        packages.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a package; refused while a session that has not ended runs it");
    }

    private static async Task<Page<PackageRecord>> ListAsync(FederationMetadata metadata, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Packages.ListAsync(Paging.Request(pageSize, continuationToken), cancellationToken));

    private static async Task<IResult> GetAsync(FederationMetadata metadata, string id, CancellationToken cancellationToken) =>
        await metadata.Packages.GetAsync(id, cancellationToken) is { } package ? TypedResults.Ok(package.Value) : NoPackage(id);

    private static async Task<IResult> DownloadAsync(FederationMetadata metadata, IBlobStore blobs, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Packages.GetAsync(id, cancellationToken) is not { } package)
        {
            return NoPackage(id);
        }

        return TypedResults.Stream(await blobs.OpenReadAsync(package.Value.BlobPath, cancellationToken), "application/gzip", $"{package.Value.Name}-{id[..12]}.tar.gz");
    }

    private static async Task<IResult> DeleteAsync(FederationMetadata metadata, IBlobStore blobs, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Packages.GetAsync(id, cancellationToken) is not { Value: var package })
        {
            return NoPackage(id);
        }

        if ((await ActiveSessions.ListAsync(metadata, cancellationToken)).FirstOrDefault(session => session.Config.Package == id) is { } user)
        {
            return ApiProblems.Conflict($"package '{id}' is run by session '{user.Id}' ({user.Status.ToString().ToLowerInvariant()}); delete it once that session has ended");
        }

        await metadata.Packages.DeleteAsync(id, cancellationToken);
        await blobs.DeleteAsync(package.BlobPath, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UploadAsync(HttpContext context, FederationMetadata metadata, IBlobStore blobs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), "application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.UnsupportedMediaType($"a package is uploaded as 'Content-Type: application/octet-stream', not '{context.Request.ContentType ?? "none"}'");
        }

        var limits = PackageLimits.Default;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = limits.MaxArchiveBytes;
        }

        if (context.Request.ContentLength > limits.MaxArchiveBytes)
        {
            return ApiProblems.TooLarge($"the package has {context.Request.ContentLength} bytes; this server takes packages up to {limits.MaxArchiveBytes} bytes");
        }

        // The archive is checked whole (manifest, every file's hash, paths, sizes) into a local file
        // before it is stored under its id, so a bad upload leaves nothing behind.
        var staged = Path.Combine(Path.GetTempPath(), $"fedn-package-{Guid.NewGuid():N}.tar.gz");
        try
        {
            PackageInfo package;
            await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await context.Request.Body.CopyToAsync(file, cancellationToken);
                file.Position = 0;
                try
                {
                    package = await PackageReader.ReadAsync(file, new PackageReadOptions { Limits = limits }, cancellationToken);
                }
                catch (PackageException refused)
                {
                    return ApiProblems.BadRequest($"the body is not a valid compute package: {refused.Message}");
                }
            }

            if (await metadata.Packages.GetAsync(package.Id, cancellationToken) is { } existing)
            {
                return TypedResults.Ok(existing.Value);
            }

            StoredBlob stored;
            await using (var input = File.OpenRead(staged))
            {
                try
                {
                    stored = await blobs.UploadAsync(RoundLayout.Package(package.Id), input, BlobWriteMode.CreateOnly, cancellationToken);
                }
                catch (BlobAlreadyExistsException)
                {
                    // A record lost after its archive was stored, or a concurrent upload: same id, same bytes' meaning.
                    stored = (await blobs.GetPropertiesAsync(RoundLayout.Package(package.Id), cancellationToken))!;
                }
            }

            var record = new PackageRecord
            {
                Id = package.Id,
                Name = package.Manifest.Name,
                EntryPoints = package.Manifest.EntryPoints,
                Files = package.Manifest.Files.Count,
                UnpackedBytes = package.Manifest.Files.Sum(file => file.Size),
                SizeBytes = stored.Length,
                SignedBy = package.SignedBy,
                BlobPath = stored.Path,
                UploadedAt = now,
            };
            try
            {
                return TypedResults.Created($"/api/v1/packages/{package.Id}", (await metadata.Packages.CreateAsync(record, cancellationToken)).Value);
            }
            catch (MetadataAlreadyExistsException)
            {
                return TypedResults.Ok((await metadata.Packages.GetAsync(package.Id, cancellationToken))!.Value);
            }
        }
        finally
        {
            File.Delete(staged);
        }
    }

    private static IResult NoPackage(string id) => ApiProblems.NotFound($"there is no package '{id}'; GET /api/v1/packages lists them");
}
