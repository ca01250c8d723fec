namespace FedN.Examples.Mnist.Attacks;

/// <summary>What the demo's malicious clients do (the FEDn lecture's experiments, and two model attacks).</summary>
public enum MnistAttack
{
    /// <summary>Every client is honest.</summary>
    None,

    /// <summary>Data poisoning: train on every label y replaced by 9 − y.</summary>
    LabelFlip,

    /// <summary>Data poisoning: stamp <see cref="Backdoor"/>'s trigger on a share of the digits and label them its target.</summary>
    Backdoor,

    /// <summary>Model replacement: send the honest update's difference scaled by 10⁶ and claim 10⁹ examples.</summary>
    Scale,

    /// <summary>Send the honest update's difference reversed and scaled by 4 (gradient ascent).</summary>
    SignFlip,
}
