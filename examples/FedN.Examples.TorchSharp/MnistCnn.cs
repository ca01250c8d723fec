using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedN.Examples.TorchSharp;

/// <summary>
/// examples/pytorch-mnist's <c>Net</c> in TorchSharp: two 3×3 convolutions with max pooling and two
/// dense layers (27,562 parameters). Fields are named as the PyTorch module's attributes, so the
/// state dicts have the same names (<c>conv1.weight</c> … <c>fc2.bias</c>), shapes and dtypes.
/// </summary>
public sealed class MnistCnn : nn.Module<Tensor, Tensor>
{
    // The names are the state dict's: they must match the PyTorch example's attributes.
#pragma warning disable IDE1006, SA1300
    private readonly Conv2d conv1 = nn.Conv2d(1, 8, 3);
    private readonly Conv2d conv2 = nn.Conv2d(8, 16, 3);
    private readonly Linear fc1 = nn.Linear(16 * 5 * 5, 64);
    private readonly Linear fc2 = nn.Linear(64, 10);
#pragma warning restore IDE1006, SA1300

    /// <summary>A network with TorchSharp's default initialisation (seed it with <c>torch.random.manual_seed</c>).</summary>
    public MnistCnn()
        : base(nameof(MnistCnn)) => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(input)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        x = nn.functional.relu(fc1.forward(flatten(x, 1)));
        return fc2.forward(x).MoveToOuterDisposeScope();
    }
}
