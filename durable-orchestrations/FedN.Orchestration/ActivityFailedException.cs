namespace FedN.Orchestration;

/// <summary>An activity or sub-orchestration failed (after its retries); what it threw is described, not rethrown, as in Durable Functions.</summary>
public sealed class ActivityFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActivityFailedException(string name, string errorType, string errorMessage)
        : base($"'{name}' failed: {errorType}: {errorMessage}")
    {
        Name = name;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
    }

    /// <summary>The activity or orchestration that failed.</summary>
    public string Name { get; }

    /// <summary>The full name of the exception type it threw.</summary>
    public string ErrorType { get; }

    /// <summary>Its message.</summary>
    public string ErrorMessage { get; }
}
