using System.Text.Json;
using FedN.Contracts;

namespace FedN.Core.Packages;

/// <summary>
/// What a compute package holds: its name, the commands a client runs for each task and every
/// file with its size and SHA-256. The package's id is the SHA-256 of these exact bytes, so one
/// hash (or one signature over them) covers every file and every command.
/// </summary>
public sealed record PackageManifest
{
    /// <summary>The archive entry that holds the manifest; it comes first.</summary>
    public const string EntryName = "fedn-package.json";

    /// <summary>The format this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The manifest's format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>A name for people (the id is what identifies the package).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The command of each entry point (<see cref="PackageEntryPoints.Train"/>,
    /// <see cref="PackageEntryPoints.Validate"/>) as program and arguments, run in the unpacked
    /// directory with the task's file paths appended.
    /// </summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> EntryPoints { get; init; }

    /// <summary>Every file of the package, in archive order.</summary>
    public required IReadOnlyList<PackageFile> Files { get; init; }

    /// <summary>The manifest as stored: its id is the SHA-256 of these bytes.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, FedNJson.Options);
}

/// <summary>One file of a package.</summary>
/// <param name="Path">Relative, with <c>/</c> separators (<see cref="PackagePaths"/>).</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">Lowercase hex.</param>
public sealed record PackageFile(string Path, long Size, string Sha256);

/// <summary>The entry points a client runs.</summary>
public static class PackageEntryPoints
{
    /// <summary><c>&lt;command&gt; in.safetensors out.safetensors</c>: writes the trained model and <c>out.json</c> (<c>{"numExamples": N, "metrics": {...}}</c>).</summary>
    public const string Train = "train";

    /// <summary><c>&lt;command&gt; model.safetensors metrics.json</c>: writes <c>{"numExamples": N, "metrics": {...}}</c>.</summary>
    public const string Validate = "validate";

    /// <summary>Every entry point a package must have.</summary>
    public static IReadOnlyList<string> Required { get; } = [Train, Validate];
}
