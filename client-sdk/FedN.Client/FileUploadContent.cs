using System.Net;

namespace FedN.Client;

/// <summary>
/// A file as a request body, opened only when the request is sent: an upload waiting for a pooled
/// connection holds no file handle (thousands of clients in one process would otherwise run out).
/// </summary>
internal sealed class FileUploadContent(string path, IProgress<long>? progress) : HttpContent
{
    private readonly long _length = new FileInfo(path).Length;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await Transfers.CopyAsync(file, stream, progress, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
