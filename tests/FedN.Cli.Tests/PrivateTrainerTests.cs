using FedN.Client;
using FedN.Contracts.Messaging;
using FedN.Core.Safetensors;
using FedN.Testing.Shared;

namespace FedN.Cli.Tests;

/// <summary>Client-side DP: what leaves the client is the update clipped to C plus N(0, (σC)²) noise.</summary>
public sealed class PrivateTrainerTests
{
    private static readonly TensorDeclaration[] Layout = [new("w", DType.F32, [10_000])];

    [Fact]
    public async Task An_update_beyond_the_bound_leaves_clipped_onto_it_with_noise_of_sigma_c()
    {
        using var dir = new TemporaryDirectory();
        var global = await F32Models.CreateAsync(Layout, i => MathF.Sin(i));
        var input = Path.Combine(dir.Path, "global.safetensors");
        await File.WriteAllBytesAsync(input, global);
        var shift = 0.05f; // a distance of 0.05 × √10000 = 5 from the global model

        var exact = await TrainAsync(new PrivateTrainer(new ShiftingTrainer(shift), clipNorm: 2, noiseMultiplier: 0), input, dir.Path);
        var globalValues = await F32Models.ReadAsync(global);
        var moved = exact.Zip(globalValues, (a, b) => (double)a - b).ToArray();
        Assert.Equal(2, Math.Sqrt(moved.Sum(d => d * d)), 3);
        Assert.All(moved, d => Assert.Equal(0.02, d, 5)); // the direction is kept: every parameter moved by 2/√10000

        var noised = await TrainAsync(new PrivateTrainer(new ShiftingTrainer(shift), clipNorm: 2, noiseMultiplier: 0.5), input, dir.Path);
        var noise = noised.Zip(exact, (a, b) => (double)a - b).ToArray();
        Assert.InRange(Math.Sqrt(noise.Average(d => d * d)), 0.97, 1.03); // σ·C = 1
        Assert.Empty(Directory.GetFiles(dir.Path, "*.trained").Concat(Directory.GetFiles(dir.Path, "*.clipped")));
    }

    [Fact]
    public async Task An_update_within_the_bound_is_sent_as_trained_when_there_is_no_noise()
    {
        using var dir = new TemporaryDirectory();
        var global = await F32Models.CreateAsync(Layout, i => MathF.Cos(i));
        var input = Path.Combine(dir.Path, "global.safetensors");
        await File.WriteAllBytesAsync(input, global);
        var sent = await TrainAsync(new PrivateTrainer(new ShiftingTrainer(0.001f), clipNorm: 2, noiseMultiplier: 0), input, dir.Path);
        Assert.Equal(await F32Models.ReadAsync(await F32Models.ShiftAsync(global, 0.001f)), sent);
    }

    private static async Task<float[]> TrainAsync(PrivateTrainer trainer, string input, string dir)
    {
        var output = Path.Combine(dir, "update.safetensors");
        var task = new ClientTask { TaskId = "t", Kind = ClientTaskKind.Train, SessionId = "s", Round = 1, ModelId = "m", ModelUrl = new Uri("http://127.0.0.1/m"), Deadline = DateTimeOffset.UtcNow.AddMinutes(1) };
        await trainer.TrainAsync(new TrainingRequest(task, input, output), CancellationToken.None);
        return await F32Models.ReadAsync(await File.ReadAllBytesAsync(output));
    }

    private sealed class ShiftingTrainer(float shift) : ITrainer
    {
        public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken)
        {
            await File.WriteAllBytesAsync(request.OutputModelPath, await F32Models.ShiftAsync(await File.ReadAllBytesAsync(request.InputModelPath, cancellationToken), shift), cancellationToken);
            return new TrainingResult(10);
        }

        public Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("fedn-dp-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
