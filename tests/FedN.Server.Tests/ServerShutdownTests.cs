using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FedN.Server;
using FedN.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Server.Tests;

/// <summary>A stopping server says what it waits for and does not wait longer than its bound.</summary>
public sealed class ServerShutdownTests
{
    [Fact]
    public async Task A_stop_names_the_requests_in_flight_and_cuts_them_off_at_its_bound()
    {
        await using var server = await RunningServer.StartAsync(options => options with { ShutdownTimeout = TimeSpan.FromSeconds(1) });
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models?id=endless") { Content = new StreamContent(new EndlessStream()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        var upload = http.SendAsync(request);
        var requests = server.App.Services.GetRequiredService<InFlightRequests>();
        for (var waited = Stopwatch.StartNew(); requests.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(20);)
        {
            await Task.Delay(20);
        }

        var said = ServerShutdown.Describe(server.App.Services);
        var stopping = Stopwatch.StartNew();
        await server.StopAsync();
        var took = stopping.Elapsed;
        HttpStatusCode? status = null;
        try
        {
            status = (await upload).StatusCode;
        }
        catch (HttpRequestException)
        {
        }

        Assert.Equal("finishing 1 request(s) in flight and stopping the reducer, for at most 1 s", said);
        // The bound is 1 s; the rest is slack for a busy machine, far below an unbounded wait.
        Assert.True(took < TimeSpan.FromSeconds(8), $"the stop took {took.TotalSeconds:0.0} s");
        Assert.NotEqual(HttpStatusCode.Created, status);
    }

    /// <summary>A request body that never ends: a transfer still running when the server stops.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(50, cancellationToken);
            buffer.Span[..Math.Min(buffer.Length, 1024)].Clear();
            return Math.Min(buffer.Length, 1024);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
