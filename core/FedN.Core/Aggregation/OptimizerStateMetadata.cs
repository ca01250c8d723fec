using System.Globalization;
using FedN.Core.Aggregation.ServerOptimizers;
using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>
/// Layout of a server optimizer's state file: a safetensors file with one tensor per slot and model
/// tensor, named <c>slot/tensor</c> (for example <c>m/fc1.weight</c>), interleaved per model tensor
/// so that it is read and written in one pass alongside the model, plus the optimizer's name, step
/// and hyperparameters in <c>__metadata__</c>.
/// </summary>
internal static class OptimizerStateMetadata
{
    public const string Optimizer = "fedn.optimizer";
    public const string Step = "fedn.step";

    public static string TensorName(string slot, string tensor) => $"{slot}/{tensor}";

    public static SafetensorsHeader CreateHeader(SafetensorsHeader model, ServerOptimizer optimizer, long step)
    {
        var metadata = new Dictionary<string, string>
        {
            [Optimizer] = optimizer.Name,
            [Step] = step.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in optimizer.Hyperparameters)
        {
            metadata[$"fedn.{name}"] = value.ToString("R", CultureInfo.InvariantCulture);
        }

        return SafetensorsHeader.Create(
            model.Tensors.SelectMany(t => optimizer.StateSlots.Select(slot =>
                new TensorDeclaration(TensorName(slot, t.Name), WeightedSumAccumulator.AccumulatorDType(t), t.Shape))),
            metadata);
    }

    /// <summary>The step a state file records, after checking it belongs to this optimizer and model.</summary>
    public static long ReadStep(SafetensorsHeader state, SafetensorsHeader model, ServerOptimizer optimizer)
    {
        if (!state.Metadata.TryGetValue(Optimizer, out var name))
        {
            throw new InvalidDataException($"the optimizer state has no {Optimizer} entry; it was not written by FedN");
        }

        if (name != optimizer.Name)
        {
            throw new InvalidDataException($"the optimizer state was written by {name}, not {optimizer.Name}; use a new state file to switch aggregators");
        }

        if (!state.Metadata.TryGetValue(Step, out var stepText) || !long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            throw new InvalidDataException($"the optimizer state's {Step} is missing or not a non-negative integer");
        }

        var expected = CreateHeader(model, optimizer, step);
        var mismatch = SchemaCheck.FindMismatch(expected, state, t => t.DType);
        if (mismatch is not null)
        {
            throw new InvalidDataException($"the optimizer state does not match the model: {mismatch}");
        }

        return step;
    }
}
