using FedN.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace FedN.Storage.Embedded;

/// <summary>
/// Serves the transfer URLs of a <see cref="FileSystemBlobStore"/> the way Azure Blob Storage serves
/// SAS URLs, so clients use one code path: GET downloads, PUT with <c>x-ms-blob-type: BlockBlob</c>
/// creates. Refusals: 403 (bad signature, expired, or a URL used for what it does not allow),
/// 404 (no such blob), 409 (the blob exists: an upload URL never overwrites), 413 (larger than the
/// URL allows; nothing is stored), 400 (bad request).
/// </summary>
public static class BlobTransferEndpoints
{
    /// <summary>Maps <c>GET</c> and <c>PUT</c> on <c>/transfer/{token}</c> to <paramref name="store"/>.</summary>
    public static IEndpointRouteBuilder MapBlobTransfer(this IEndpointRouteBuilder endpoints, FileSystemBlobStore store)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(store);
        endpoints.MapGet("/transfer/{token}", (HttpContext context, string token) => DownloadAsync(context, store, token));
        endpoints.MapPut("/transfer/{token}", (HttpContext context, string token) => UploadAsync(context, store, token));
        return endpoints;
    }

    private static async Task DownloadAsync(HttpContext context, FileSystemBlobStore store, string token)
    {
        var grant = await AuthorizeAsync(context, store, token, TransferAccess.Read);
        if (grant is null)
        {
            return;
        }

        Stream source;
        try
        {
            source = await store.OpenReadAsync(grant.Path, context.RequestAborted);
        }
        catch (BlobNotFoundException e)
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, "BlobNotFound", e.Message);
            return;
        }

        await using (source)
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = source.Length;
            await source.CopyToAsync(context.Response.Body, 1 << 20, context.RequestAborted);
        }
    }

    private static async Task UploadAsync(HttpContext context, FileSystemBlobStore store, string token)
    {
        var grant = await AuthorizeAsync(context, store, token, TransferAccess.Create);
        if (grant is null)
        {
            return;
        }

        if (!string.Equals(context.Request.Headers["x-ms-blob-type"], "BlockBlob", StringComparison.Ordinal))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "MissingRequiredHeader", "an upload must carry the header 'x-ms-blob-type: BlockBlob', as for Azure Blob Storage");
            return;
        }

        if (grant.MaxBytes is { } most && context.Request.ContentLength > most)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestBodyTooLarge", TooLarge(context.Request.ContentLength.Value, most));
            return;
        }

        // Models can be several GB: the URL's own limit replaces the default 30 MB request limit,
        // and the server stops reading a body (chunked, or lying about its length) past it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = grant.MaxBytes;
        }

        try
        {
            var properties = await store.UploadAsync(grant.Path, context.Request.BodyReader, BlobWriteMode.CreateOnly, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers.ETag = properties.ETag;
        }
        catch (BlobAlreadyExistsException e)
        {
            await RefuseAsync(context, StatusCodes.Status409Conflict, "BlobAlreadyExists", e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && grant.MaxBytes is { } allowed)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestBodyTooLarge", TooLarge(null, allowed));
        }
    }

    private static async Task<TransferToken?> AuthorizeAsync(HttpContext context, FileSystemBlobStore store, string token, TransferAccess needed)
    {
        var grant = store.VerifyTransfer(token, out var error);
        if (grant is not null && grant.Access != needed)
        {
            error = grant.Access == TransferAccess.Read ? "this URL only allows downloading the blob" : "this URL only allows uploading the blob";
            grant = null;
        }

        if (grant is null)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "AuthorizationFailure", error!);
        }

        return grant;
    }

    private static string TooLarge(long? length, long most) =>
        $"the upload{(length is { } bytes ? $" of {bytes} bytes" : "")} is larger than the {most} bytes this URL takes (the model's size plus a margin); nothing was stored";

    private static Task RefuseAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = code;
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
