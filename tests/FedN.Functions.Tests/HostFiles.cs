using System.Text.Json;
using FedN.Testing;

namespace FedN.Functions.Tests;

/// <summary>The Functions app's files at the repository root.</summary>
internal static class HostFiles
{
    public static JsonElement Read(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, name))).RootElement.Clone();
}
