using System.Net;

namespace FedN.Client;

/// <summary>Streams a body and reports the bytes sent.</summary>
internal sealed class ProgressStreamContent(Stream source, IProgress<long>? progress) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        Transfers.CopyAsync(source, stream, progress, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = source.CanSeek ? source.Length - source.Position : -1;
        return source.CanSeek;
    }
}
