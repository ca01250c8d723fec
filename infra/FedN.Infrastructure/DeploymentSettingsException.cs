namespace FedN.Infrastructure;

/// <summary>The deployment settings cannot be deployed; <see cref="Problems"/> says what to change, one entry per setting.</summary>
public sealed class DeploymentSettingsException : Exception
{
    /// <summary>Creates the exception for <paramref name="problems"/>.</summary>
    public DeploymentSettingsException(IReadOnlyList<string> problems)
        : base("FedN's deployment settings need fixing before anything is created:" + string.Concat(problems.Select(problem => Environment.NewLine + "  - " + problem))) =>
        Problems = problems;

    /// <summary>What to change.</summary>
    public IReadOnlyList<string> Problems { get; }
}
