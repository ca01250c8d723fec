namespace FedN.Core.Packages;

/// <summary>A compute package is malformed, tampered with, too large or not trusted; the message says which and how.</summary>
public sealed class PackageException(string message) : Exception(message);
