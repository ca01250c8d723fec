using FedN.Core.Aggregation;
using FedN.Core.Safetensors;

namespace FedN.Core.Tests;

public sealed class UpdateNormTests
{
    private static readonly TensorDeclaration[] Layout =
    [
        new("fc.weight", DType.F32, [300, 70]),
        new("fc.bias", DType.F64, [70]),
        new("emb", DType.F16, [129]),
    ];

    [Fact]
    public async Task The_distance_is_the_L2_norm_of_the_difference_over_every_tensor_in_any_order()
    {
        var random = new Random(7);
        var global = TestModels.Random(random, Layout);
        var update = TestModels.Reordered(TestModels.Random(random, Layout, scale: 3));
        var reference = Math.Sqrt(Layout.Sum(t => global.Values[t.Name].Zip(update.Values[t.Name], (g, u) => (u - g) * (u - g)).Sum()));

        using var globalReader = await SafetensorsReader.OpenAsync(new MemoryStream(global.ToBytes()));
        using var updateReader = await TestModels.ForwardOnlySource(update.ToBytes(), "u").OpenAsync();
        Assert.Equal(reference, await UpdateNorm.DistanceAsync(globalReader, updateReader), reference * 1e-12);
    }

    [Fact]
    public async Task A_scaled_update_keeps_its_tensors_and_moves_the_scaled_distance()
    {
        var random = new Random(8);
        var global = TestModels.Random(random, Layout);
        var update = TestModels.Random(random, Layout, scale: 5);
        using var globalReader = await SafetensorsReader.OpenAsync(new MemoryStream(global.ToBytes()));
        using var before = await SafetensorsReader.OpenAsync(new MemoryStream(update.ToBytes()));
        var distance = await UpdateNorm.DistanceAsync(globalReader, before);

        var clipped = new MemoryStream();
        using (var again = await SafetensorsReader.OpenAsync(new MemoryStream(update.ToBytes())))
        {
            await UpdateNorm.WriteScaledAsync(globalReader, again, 0.25, clipped);
        }

        clipped.Position = 0;
        using var after = await SafetensorsReader.OpenAsync(clipped);
        Assert.Equal(Layout.Select(t => (t.Name, t.DType)).OrderBy(t => t.Name), after.Header.Tensors.Select(t => (t.Name, t.DType)).OrderBy(t => t.Name));
        var values = await TestModels.ReadAllAsync(after);
        Assert.Equal(global.Values["fc.weight"][5] + (0.25 * (update.Values["fc.weight"][5] - global.Values["fc.weight"][5])), values["fc.weight"][5], 1e-6);
        Assert.Equal(distance / 4, await UpdateNorm.DistanceAsync(globalReader, after), distance * 1e-3);
    }

    [Fact]
    public async Task An_update_of_other_tensors_is_refused_with_the_difference()
    {
        var random = new Random(9);
        using var globalReader = await SafetensorsReader.OpenAsync(new MemoryStream(TestModels.Random(random, Layout).ToBytes()));
        using var other = await SafetensorsReader.OpenAsync(new MemoryStream(TestModels.Random(random, [new TensorDeclaration("fc.weight", DType.F32, [70, 300])]).ToBytes()));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => UpdateNorm.DistanceAsync(globalReader, other));
        Assert.Contains("tensor 'fc.weight' has shape [70, 300], expected [300, 70]", error.Message, StringComparison.Ordinal);
    }
}
