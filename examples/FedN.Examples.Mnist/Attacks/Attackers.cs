using FedN.Client;

namespace FedN.Examples.Mnist.Attacks;

/// <summary>Builds a malicious client's trainer for an <see cref="MnistAttack"/>.</summary>
public static class Attackers
{
    /// <summary>The share of an attacker's digits that carry the backdoor's trigger.</summary>
    public const double BackdoorShare = 0.5;

    /// <summary>A trainer that carries out <paramref name="attack"/> on the client's share of <paramref name="data"/>.</summary>
    public static ITrainer Create(MnistAttack attack, MnistDataset data, IReadOnlyList<int> share, double heldOut, MnistTrainingOptions training) => attack switch
    {
        MnistAttack.LabelFlip => MnistTrainer.ForShare(LabelFlip.Flip(data), share, heldOut, training),
        MnistAttack.Backdoor => MnistTrainer.ForShare(Backdoor.Poison(data, share, BackdoorShare, training.Seed), share, heldOut, training),
        MnistAttack.Scale => new ScalingAttacker(MnistTrainer.ForShare(data, share, heldOut, training)),
        MnistAttack.SignFlip => new ScalingAttacker(MnistTrainer.ForShare(data, share, heldOut, training)) { Scale = -4, ClaimedExamples = null },
        _ => throw new ArgumentOutOfRangeException(nameof(attack), attack, "not an attack"),
    };
}
