using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace FedN.Dashboard;

/// <summary>
/// The dashboard's static files, served with the headers a page that holds an admin token needs
/// (a strict content security policy, no framing, no referrer). The files hold no data: everything
/// the dashboard shows comes from the control-plane API with the token the user signs in with.
/// </summary>
public sealed class DashboardFiles
{
    /// <summary>The page the dashboard starts from.</summary>
    public const string IndexFile = "index.html";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly PhysicalFileProvider? _files;

    /// <summary>Serves the files under <paramref name="directory"/> (a build of dashboard/).</summary>
    public DashboardFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _files = File.Exists(Path.Combine(Directory, IndexFile)) ? new PhysicalFileProvider(Directory) : null;
    }

    /// <summary>The build that ships with the app (<c>dashboard/</c> next to the app's assemblies).</summary>
    public static DashboardFiles Bundled() => new(Path.Combine(AppContext.BaseDirectory, "dashboard"));

    /// <summary>Where the files are read from.</summary>
    public string Directory { get; }

    /// <summary>Whether the dashboard was built into <see cref="Directory"/>.</summary>
    public bool IsBuilt => _files is not null;

    /// <summary>What to do when the dashboard is not built.</summary>
    public string NotBuiltMessage =>
        $"The dashboard is not built into {Directory}: build it with 'npm ci && npm run build:dashboard' (./scripts/demo.sh and ./scripts/test.sh do), then build the server again.";

    /// <summary>
    /// Writes the file at <paramref name="path"/> (relative to the dashboard's root; empty for the
    /// start page) to <paramref name="context"/>'s response: 404 for a file that does not exist, and a
    /// page that says how to build the dashboard when it was not built.
    /// </summary>
    public async Task ServeAsync(HttpContext context, string? path)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        path = string.IsNullOrEmpty(path) ? IndexFile : path;
        if (path == IndexFile && !context.Request.Path.Value!.EndsWith('/') && !context.Request.Path.Value.EndsWith(IndexFile, StringComparison.Ordinal))
        {
            // The page loads its scripts relative to itself, so it must be addressed as a folder.
            response.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
            return;
        }

        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (_files is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(NotBuiltMessage, context.RequestAborted);
            return;
        }

        // The provider refuses paths that leave its root ("..", absolute paths) by answering "not found".
        var file = path.Contains('\\', StringComparison.Ordinal) ? null : _files.GetFileInfo(path);
        if (file is not { Exists: true, IsDirectory: false } || !ContentTypes.TryGetContentType(file.Name, out var contentType))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // Built assets carry a content hash in their names and never change; the start page always may.
        headers.CacheControl = path.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
        response.ContentType = contentType;
        await response.SendFileAsync(file, context.RequestAborted);
    }
}
