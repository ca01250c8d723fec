using System.Runtime.InteropServices;
using FedN.Core.Safetensors;

namespace FedN.Cli.Tests;

/// <summary>The model commands end to end, through the real command tree. Console is process-wide, so these run one at a time.</summary>
[Collection(CliRun.Collection)]
public sealed class ModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedn-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Aggregate_fedavg_weights_by_examples_and_inspect_reports_it()
    {
        await CliRun.Run(0, "model", "random", "--out", P("a"), "--tensors", "w:F32:3", "--seed", "1");
        await CliRun.Run(0, "model", "random", "--out", P("b"), "--tensors", "w:F32:3", "--seed", "2");
        var (_, stdout, _) = await CliRun.Run(0, "model", "aggregate", "--out", P("avg"), $"{P("a")}:300", $"{P("b")}:100");
        Assert.Contains("fedavg: 2 updates, 400 examples", stdout, StringComparison.Ordinal);

        var a = await ReadAsync(P("a"));
        var b = await ReadAsync(P("b"));
        var avg = await ReadAsync(P("avg"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((0.75 * a[i]) + (0.25 * b[i]), avg[i], 6);
        }

        (_, stdout, _) = await CliRun.Run(0, "model", "inspect", P("avg"), "--json");
        Assert.Contains("\"parameterCount\": 3", stdout, StringComparison.Ordinal);
        Assert.Contains("\"fedn.aggregator\": \"fedavg\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fedadam_keeps_its_state_file_across_rounds()
    {
        await CliRun.Run(0, "model", "random", "--out", P("g"), "--tensors", "w:F32:4", "--seed", "1");
        await CliRun.Run(0, "model", "random", "--out", P("u"), "--tensors", "w:F32:4", "--seed", "2");
        var (_, first, _) = await CliRun.Run(0, "model", "aggregate", "-m", "fedadam", "--base", P("g"), "--state", P("state"), "--out", P("r1"), $"{P("u")}:10");
        var (_, second, _) = await CliRun.Run(0, "model", "aggregate", "-m", "fedadam", "--base", P("r1"), "--state", P("state"), "--out", P("r2"), $"{P("u")}:10");
        Assert.Contains("optimizer step 1", first, StringComparison.Ordinal);
        Assert.Contains("optimizer step 2", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_updates_fail_with_one_line_per_file_and_write_nothing()
    {
        await CliRun.Run(0, "model", "random", "--out", P("a"), "--tensors", "w:F32:3");
        await CliRun.Run(0, "model", "random", "--out", P("other"), "--tensors", "w:F32:4");
        await File.WriteAllTextAsync(P("junk"), "not a model at all");
        var (_, _, stderr) = await CliRun.Run(1, "model", "aggregate", "--out", P("out"), $"{P("a")}:1", $"{P("other")}:1", $"{P("junk")}:1");
        Assert.Contains($"{P("other")}: the model does not match the global model (tensor 'w' has shape [4], expected [3])", stderr, StringComparison.Ordinal);
        Assert.Contains($"{P("junk")}: this is not a safetensors file: it starts with text", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("out")));
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        (_, _, stderr) = await CliRun.Run(0, "model", "aggregate", "--skip-invalid", "--out", P("out"), $"{P("a")}:1", $"{P("other")}:1");
        Assert.True(File.Exists(P("out")));
    }

    [Fact]
    public async Task An_update_with_NaN_values_is_named_and_nothing_is_written_unless_it_is_skipped()
    {
        await CliRun.Run(0, "model", "random", "--out", P("a"), "--tensors", "w:F32:3", "--seed", "1");
        await CliRun.Run(0, "model", "random", "--out", P("b"), "--tensors", "w:F32:3", "--seed", "2");
        await using (var writer = await SafetensorsWriter.CreateFileAsync(P("nan"), SafetensorsHeader.Create([new TensorDeclaration("w", DType.F32, [3])])))
        {
            await writer.WriteAsync(MemoryMarshal.AsBytes(new float[] { 1, float.NaN, 2 }.AsSpan()).ToArray());
            await writer.CompleteAsync();
        }

        // Its header is fine: the bad value is found only while the sum is folded, after every update was taken.
        var (_, _, stderr) = await CliRun.Run(1, "model", "aggregate", "--out", P("out"), $"{P("a")}:1", $"{P("nan")}:1", $"{P("b")}:1");
        Assert.Contains($"{P("nan")}: tensor 'w' contains NaN or infinite values", stderr, StringComparison.Ordinal);
        Assert.Contains("1 of 3 updates are invalid; nothing was written", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("out")));

        var (_, stdout, _) = await CliRun.Run(0, "model", "aggregate", "--skip-invalid", "--out", P("out"), $"{P("a")}:1", $"{P("nan")}:1", $"{P("b")}:1");
        Assert.Contains("fedavg: 2 updates, 2 examples", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x.safetensors:many", "is not PATH:WEIGHT")]
    [InlineData("x.safetensors", "is not PATH:WEIGHT")]
    public async Task Malformed_arguments_are_explained(string update, string expected)
    {
        var (_, _, stderr) = await CliRun.Run(1, "model", "aggregate", "--out", P("out"), update);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_optimizers_require_the_global_model()
    {
        await CliRun.Run(0, "model", "random", "--out", P("a"), "--tensors", "w:F32:3");
        var (_, _, stderr) = await CliRun.Run(1, "model", "aggregate", "-m", "fedyogi", "--out", P("out"), $"{P("a")}:1");
        Assert.Contains("needs --base", stderr, StringComparison.Ordinal);
    }

    private string P(string name) => Path.Combine(_dir, name + ".safetensors");

    private static async Task<double[]> ReadAsync(string path)
    {
        await using var reader = SafetensorsReader.OpenFile(path);
        var tensor = reader.Header.Tensors[0];
        var bytes = new byte[tensor.ByteLength];
        await reader.ReadAsync(tensor, 0, bytes);
        var values = new double[tensor.ElementCount];
        Core.Numerics.ElementCodec.Decode(tensor.DType, bytes, values);
        return values;
    }
}
