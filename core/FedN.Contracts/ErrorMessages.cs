namespace FedN.Contracts;

/// <summary>What an exception says to a user, without the runtime's decorations.</summary>
public static class ErrorMessages
{
    /// <summary>
    /// The message of <paramref name="error"/> on one line, without the " (Parameter 'x')" that
    /// <see cref="ArgumentException"/> appends: the parameter is a name in the code, not in the
    /// user's request.
    /// </summary>
    public static string Of(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        if (error is ArgumentException { ParamName: { } parameter })
        {
            var suffix = $" (Parameter '{parameter}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message.ReplaceLineEndings(" ");
    }
}
