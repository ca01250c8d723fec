using System.Buffers.Binary;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

/// <summary>
/// Thousands of corrupted files: each must be rejected with <see cref="SafetensorsFormatException"/>
/// or parse consistently (every declared byte readable, nothing left over). Any other exception,
/// or a hang, fails the test.
/// </summary>
public class ParserMutationTests
{
    [Theory]
    [InlineData(11, 2500)]
    [InlineData(23, 2500)]
    public async Task Corrupted_files_are_rejected_cleanly_or_parsed_consistently(int seed, int iterations)
    {
        var random = new Random(seed);
        var rejected = 0;
        for (var i = 0; i < iterations; i++)
        {
            var model = TestModels.Random(random, TestModels.RandomLayout(random), metadata: new Dictionary<string, string> { ["k"] = "v" });
            var bytes = Mutate(random, model.ToBytes());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var forwardOnly in new[] { false, true })
            {
                try
                {
                    var source = forwardOnly ? TestModels.ForwardOnlySource(bytes, "m") : TestModels.Source(bytes, "m");
                    await using var reader = await source.OpenAsync(timeout.Token);
                    long read = 0;
                    foreach (var t in reader.Header.Tensors)
                    {
                        await reader.ReadAsync(t, 0, new byte[t.ByteLength], timeout.Token);
                        read += t.ByteLength;
                    }

                    await reader.VerifyEndAsync(timeout.Token);
                    Assert.Equal(reader.Header.DataLength, read);
                    Assert.Equal(bytes.Length, reader.DataOffset + reader.Header.DataLength);
                }
                catch (SafetensorsFormatException e)
                {
                    Assert.DoesNotContain('\n', e.Message);
                    rejected++;
                }
            }
        }

        // The mutations are meant to break files; most must have been caught.
        Assert.True(rejected > iterations, $"only {rejected} of {2 * iterations} reads were rejected");
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToList();
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            // Bias edits towards the header, where the parser's decisions are.
            var position = random.Next(4) > 0 ? random.Next(Math.Min(headerEnd, bytes.Count)) : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[position] = (byte)random.Next(256); break;
                case 1: bytes[position] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveRange(position, Math.Min(random.Next(1, 8), bytes.Count - position)); break;
                case 3: bytes.InsertRange(position, Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)"{}[],:\"0123456789 FIBU"[random.Next(22)])); break;
                case 4:
                    var cut = Math.Min(bytes.Count, random.Next(1, 16));
                    bytes.RemoveRange(bytes.Count - cut, cut);
                    break;
                case 5: bytes[random.Next(Math.Min(8, bytes.Count))] = (byte)random.Next(256); break;
                default: bytes.AddRange(Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256))); break;
            }
        }

        return [.. bytes];
    }
}
