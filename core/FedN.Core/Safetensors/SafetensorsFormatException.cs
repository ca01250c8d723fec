namespace FedN.Core.Safetensors;

/// <summary>
/// A safetensors file (or stream) is malformed. The message is one line that says what is wrong,
/// suitable to show a user after the file's name.
/// </summary>
public sealed class SafetensorsFormatException : FormatException
{
    /// <summary>Creates the exception with a one-line reason.</summary>
    public SafetensorsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line reason and its cause.</summary>
    public SafetensorsFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no reason; prefer the other constructors.</summary>
    public SafetensorsFormatException() : base("malformed safetensors data") { }
}
