using System.Net;
using System.Security.Cryptography;
using System.Text;
using FedN.Storage;

namespace FedN.Storage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> must do. Each adapter's test class derives from this and
/// supplies a fresh, empty store per test; the same assertions run against all of them.
/// </summary>
public abstract class BlobStoreContract
{
    /// <summary>HTTP as a client has it: transfer URLs are used with plain GET and PUT.</summary>
    protected static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IBlobStore> CreateStoreAsync();

    [Fact]
    public async Task Blobs_round_trip_list_in_order_under_a_prefix_and_delete()
    {
        var store = await CreateStoreAsync();
        await store.UploadAsync("s1/r2/u.bin", Bytes("two"), BlobWriteMode.CreateOnly);
        await store.UploadAsync("s1/r1/b.bin", Bytes("one-b"), BlobWriteMode.CreateOnly);
        await store.UploadAsync("s1/r1/a.bin", Bytes("one-a"), BlobWriteMode.CreateOnly);
        await store.UploadAsync("s2/x.bin", Bytes("other"), BlobWriteMode.CreateOnly);

        Assert.Equal("one-a", await ReadAsync(store, "s1/r1/a.bin"));
        Assert.Equal(["s1/r1/a.bin", "s1/r1/b.bin", "s1/r2/u.bin"], await Paths(store, "s1/"));
        Assert.Equal(["s1/r1/a.bin", "s1/r1/b.bin"], await Paths(store, "s1/r1"));
        Assert.Empty(await Paths(store, "s3/"));
        Assert.Equal(5, (await store.GetPropertiesAsync("s1/r1/b.bin"))!.Length);
        Assert.Null(await store.GetPropertiesAsync("s1/missing.bin"));

        Assert.True(await store.DeleteAsync("s1/r1/a.bin"));
        Assert.False(await store.DeleteAsync("s1/r1/a.bin"));
        Assert.False(await store.DeleteAsync("no/such/folder/a.bin"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync("s1/r1/a.bin"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.DownloadToAsync("s1/r1/a.bin", Stream.Null));
    }

    [Fact]
    public async Task A_prefix_deletes_every_blob_under_it_and_nothing_else_but_a_leased_one()
    {
        var store = await CreateStoreAsync();
        foreach (var path in new[] { "s1/rounds/000001/updates/a.bin", "s1/rounds/000001/updates/b.bin", "s1/rounds/000001/plan.json", "s1/rounds/0000012/plan.json", "s1/rounds/000002/plan.json", "s2/rounds/000001/plan.json" })
        {
            await store.UploadAsync(path, Bytes(path), BlobWriteMode.CreateOnly);
        }

        Assert.Equal(3, await store.DeletePrefixAsync("s1/rounds/000001/"));
        Assert.Equal(["s1/rounds/0000012/plan.json", "s1/rounds/000002/plan.json"], await Paths(store, "s1/"));
        Assert.Equal(0, await store.DeletePrefixAsync("s1/rounds/000001/"));
        Assert.Equal(0, await store.DeletePrefixAsync("no/such/folder/"));

        // A folder emptied by a prefix takes new blobs as before.
        await store.UploadAsync("s1/rounds/000001/updates/a.bin", Bytes("again"), BlobWriteMode.CreateOnly);
        Assert.Equal("again", await ReadAsync(store, "s1/rounds/000001/updates/a.bin"));

        // A prefix that is not a whole folder name: what starts with it, as on Azure.
        Assert.Equal(2, await store.DeletePrefixAsync("s1/rounds/000001"));
        Assert.Equal(["s1/rounds/000002/plan.json"], await Paths(store, "s1/"));

        var lease = await store.TryAcquireLeaseAsync("s2/rounds/000001/lock", LeaseDuration.Min);
        Assert.NotNull(lease);
        var conflict = await Assert.ThrowsAsync<BlobLeaseConflictException>(() => store.DeletePrefixAsync("s2/"));
        Assert.Contains("s2/rounds/000001/lock", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(["s2/rounds/000001/lock"], await Paths(store, "s2/"));
        await lease!.ReleaseAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.DeletePrefixAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeletePrefixAsync("../"));
    }

    [Fact]
    public async Task Writes_racing_a_prefix_deletion_of_their_folder_never_fail()
    {
        // Retention deletes an old round while a late report may still write its receipt there.
        var store = await CreateStoreAsync();
        using var stop = new CancellationTokenSource();
        var deletions = 0;
        var deleter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await store.DeletePrefixAsync("race/");
                deletions++;
            }
        });
        try
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.True(await store.TryCreateMarkerAsync($"race/round/receipts/{i}", "x"u8.ToArray()));
                await store.UploadAsync($"race/round/updates/{i}.bin", Bytes("u"), BlobWriteMode.CreateOnly);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await deleter;
        }

        Assert.True(deletions > 1, $"{deletions} deletions ran beside the writes");
    }

    [Fact]
    public async Task Create_only_writes_never_overwrite_and_overwrites_change_the_etag()
    {
        var store = await CreateStoreAsync();
        var first = await store.UploadAsync("m/global.safetensors", Bytes("v1"), BlobWriteMode.CreateOnly);
        var refused = await Assert.ThrowsAsync<BlobAlreadyExistsException>(() => store.UploadAsync("m/global.safetensors", Bytes("v2"), BlobWriteMode.CreateOnly));
        Assert.Contains("m/global.safetensors", refused.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await ReadAsync(store, "m/global.safetensors"));

        await Task.Delay(20);
        var second = await store.UploadAsync("m/global.safetensors", Bytes("v2-longer"), BlobWriteMode.Overwrite);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("v2-longer", await ReadAsync(store, "m/global.safetensors"));
    }

    [Fact]
    public async Task Of_writers_racing_to_create_one_blob_exactly_one_wins_and_the_blob_is_its_whole_content()
    {
        var store = await CreateStoreAsync();
        var contents = Enumerable.Range(0, 8).Select(i => new string((char)('a' + i), 10_000 + i)).ToArray();
        var outcomes = await Task.WhenAll(contents.Select(async text =>
        {
            await Task.Yield();
            try
            {
                await store.UploadAsync("race/update.bin", Bytes(text), BlobWriteMode.CreateOnly);
                return text;
            }
            catch (BlobAlreadyExistsException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, await ReadAsync(store, "race/update.bin"));
    }

    [Fact]
    public async Task A_marker_is_created_once_even_in_a_new_folder_and_of_racing_creators_exactly_one_succeeds()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.TryCreateMarkerAsync("m/new/folder/report.json", Encoding.UTF8.GetBytes("{\"round\":1}")));
        Assert.False(await store.TryCreateMarkerAsync("m/new/folder/report.json", Encoding.UTF8.GetBytes("another")));
        Assert.Equal("{\"round\":1}", await ReadAsync(store, "m/new/folder/report.json"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await Task.Yield();
            return await store.TryCreateMarkerAsync("m/race.json", new[] { (byte)i });
        }));
        Assert.Single(outcomes, created => created);
        Assert.Equal(1, (await store.GetPropertiesAsync("m/race.json"))!.Length);
    }

    [Fact]
    public async Task A_written_blob_appears_whole_when_its_writer_returns_and_not_at_all_when_it_throws()
    {
        var store = await CreateStoreAsync();
        var written = await store.WriteAsync("m/model.safetensors", BlobWriteMode.CreateOnly, async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("model bytes"), ct);
            Assert.Null(await store.GetPropertiesAsync("m/model.safetensors", ct));

            // The writer may read back what it wrote (to hash or check it) before the blob appears.
            stream.Position = 0;
            using var check = new StreamReader(stream, leaveOpen: true);
            Assert.Equal("model bytes", await check.ReadToEndAsync(ct));
        });
        Assert.Equal(11, written.Length);
        Assert.Equal("model bytes", await ReadAsync(store, "m/model.safetensors"));

        await Assert.ThrowsAsync<InvalidDataException>(() => store.WriteAsync("m/broken.safetensors", BlobWriteMode.Overwrite, async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("half a mod"), ct);
            throw new InvalidDataException("the writer found its output bad");
        }));
        Assert.Null(await store.GetPropertiesAsync("m/broken.safetensors"));

        await Assert.ThrowsAsync<BlobAlreadyExistsException>(() => store.WriteAsync("m/model.safetensors", BlobWriteMode.CreateOnly, (stream, ct) => stream.WriteAsync(Bytes("other").ToArray(), ct).AsTask()));
        Assert.Equal("model bytes", await ReadAsync(store, "m/model.safetensors"));
    }

    [Fact]
    public async Task Invalid_paths_are_refused_with_the_reason()
    {
        var store = await CreateStoreAsync();
        foreach (var path in new[] { "", "../escape", "a//b", "a/./b", "with space", "/leading", "a\\b" })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => store.UploadAsync(path, Bytes("x"), BlobWriteMode.CreateOnly));
            Assert.Contains("invalid blob path", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Download_urls_read_one_blob_and_cannot_write()
    {
        var store = await CreateStoreAsync();
        await store.UploadAsync("s/global.bin", Bytes("global"), BlobWriteMode.CreateOnly);
        var url = await store.CreateDownloadUrlAsync("s/global.bin", TimeSpan.FromMinutes(5));

        Assert.Equal("global", await Http.GetStringAsync(url));
        using var overwrite = await PutAsync(url, "tampered");
        Assert.False(overwrite.IsSuccessStatusCode);
        Assert.Equal("global", await ReadAsync(store, "s/global.bin"));
    }

    [Fact]
    public async Task Upload_urls_create_one_blob_once_and_nothing_else()
    {
        var store = await CreateStoreAsync();
        var url = await store.CreateUploadUrlAsync("s/r1/client-a.bin", TimeSpan.FromMinutes(5));

        using (var created = await PutAsync(url, "update-a"))
        {
            Assert.True(created.IsSuccessStatusCode, $"upload failed: {created.StatusCode}");
        }

        Assert.Equal("update-a", await ReadAsync(store, "s/r1/client-a.bin"));

        // A second PUT on the same URL must not overwrite.
        using (var again = await PutAsync(url, "overwritten"))
        {
            Assert.False(again.IsSuccessStatusCode);
        }

        Assert.Equal("update-a", await ReadAsync(store, "s/r1/client-a.bin"));

        // The URL cannot read the blob either.
        using (var read = await Http.GetAsync(url))
        {
            Assert.False(read.IsSuccessStatusCode);
        }

        // Nor can it be bent to another path.
        var other = new Uri(url.ToString().Replace("client-a.bin", "client-b.bin", StringComparison.Ordinal));
        using (var elsewhere = await PutAsync(other, "sneaky"))
        {
            Assert.False(elsewhere.IsSuccessStatusCode);
        }

        Assert.Null(await store.GetPropertiesAsync("s/r1/client-b.bin"));
    }

    [Fact]
    public async Task Expired_transfer_urls_are_refused()
    {
        var store = await CreateStoreAsync();
        await store.UploadAsync("s/old.bin", Bytes("old"), BlobWriteMode.CreateOnly);
        var download = await store.CreateDownloadUrlAsync("s/old.bin", TimeSpan.FromSeconds(1));
        var upload = await store.CreateUploadUrlAsync("s/late.bin", TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        using var read = await Http.GetAsync(download);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        using var write = await PutAsync(upload, "late");
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Null(await store.GetPropertiesAsync("s/late.bin"));
    }

    [Fact]
    public async Task Leases_are_exclusive_until_released_or_expired()
    {
        var store = await CreateStoreAsync();
        var first = await store.TryAcquireLeaseAsync("locks/runner", LeaseDuration.Min);
        Assert.NotNull(first);
        Assert.Null(await store.TryAcquireLeaseAsync("locks/runner", LeaseDuration.Min));
        await Assert.ThrowsAsync<BlobLeaseConflictException>(() => store.DeleteAsync("locks/runner"));
        await first.RenewAsync();

        await first.ReleaseAsync();
        var second = await store.TryAcquireLeaseAsync("locks/runner", LeaseDuration.Min);
        Assert.NotNull(second);

        // Let it expire without renewal: a third holder takes it, and the second has lost it.
        await Task.Delay(LeaseDuration.Min + TimeSpan.FromSeconds(1.5));
        var third = await store.TryAcquireLeaseAsync("locks/runner", LeaseDuration.Min);
        Assert.NotNull(third);
        await Assert.ThrowsAsync<BlobLeaseConflictException>(() => second.RenewAsync());
        await third.ReleaseAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TryAcquireLeaseAsync("locks/other", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_blob_of_200_MB_streams_through_upload_url_and_download_without_being_held_in_memory()
    {
        const long size = 200L << 20;
        var store = await CreateStoreAsync();
        using var sampler = new ManagedMemorySampler();

        var expected = await UploadThroughUrlAsync(store, "big/update.bin", size);
        Assert.Equal(size, (await store.GetPropertiesAsync("big/update.bin"))!.Length);

        using (var hash = new HashingStream())
        {
            await store.DownloadToAsync("big/update.bin", hash);
            Assert.Equal(expected, hash.Finish());
        }

        await using (var read = await store.OpenReadAsync("big/update.bin"))
        {
            Assert.True(read.CanSeek);
            using var hash = new HashingStream();
            await read.CopyToAsync(hash, 1 << 20);
            Assert.Equal(expected, hash.Finish());
        }

        var peak = sampler.Stop();
        Assert.True(peak < 100L << 20, $"managed memory grew by {peak >> 20} MB while moving a {size >> 20} MB blob");
    }

    private static async Task<byte[]> UploadThroughUrlAsync(IBlobStore store, string path, long size)
    {
        var url = await store.CreateUploadUrlAsync(path, TimeSpan.FromMinutes(10));
        var source = new PatternStream(size);
        using var content = new StreamContent(source, 1 << 20);
        content.Headers.ContentLength = size;
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"upload failed: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return source.Hash();
    }

    private static async Task<HttpResponseMessage> PutAsync(Uri url, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(text) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return await Http.SendAsync(request);
    }

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadAsync(IBlobStore store, string path)
    {
        await using var stream = await store.OpenReadAsync(path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task<List<string>> Paths(IBlobStore store, string prefix)
    {
        var paths = new List<string>();
        await foreach (var blob in store.ListAsync(prefix))
        {
            paths.Add(blob.Path);
        }

        return paths;
    }

    /// <summary>A long, non-repeating-looking byte stream produced on the fly (never materialized), with its SHA-256.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[]? _digest;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        /// <summary>The SHA-256 of every byte produced; the HTTP client disposes the stream once sent, so it is taken at the end.</summary>
        public byte[] Hash() => _digest ?? throw new InvalidOperationException("the stream was not read to its end");

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < n; i++)
            {
                var p = _position + i;
                buffer[i] = (byte)((p * 2654435761L) >> 13);
            }

            _hash.AppendData(buffer[..n]);
            _position += n;
            if (_position == length && _digest is null)
            {
                _digest = _hash.GetHashAndReset();
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A write-only stream that only hashes what passes through.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Finish() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Samples the managed heap every few milliseconds and reports its largest growth.</summary>
    private sealed class ManagedMemorySampler : IDisposable
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _sampling;

        public ManagedMemorySampler() => _sampling = Task.Run(async () =>
        {
            long peak = 0;
            while (!_stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - _baseline);
                await Task.Delay(5);
            }

            return peak;
        });

        public long Stop()
        {
            _stop.Cancel();
            return _sampling.GetAwaiter().GetResult();
        }

        public void Dispose() => _stop.Dispose();
    }
}
