using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using FedN.Testing;

namespace FedN.Architecture.Tests;

/// <summary>
/// Which project may reference which: the graph is written once, here, and drawn from it in
/// docs/architecture.md. A project reference outside it fails the build's tests, so dependencies
/// keep pointing inward (contracts, then the engine, then adapters and hosts).
/// <c>FEDN_WRITE_DOCS=1 dotnet test tests/FedN.Architecture.Tests</c> redraws the picture.
/// </summary>
public sealed class ProjectGraphTests
{
    /// <summary>Every production project and the projects it may reference (facades stand for the packages CI cannot restore).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["FedN.Contracts"] = [],
        ["FedN.Core"] = ["FedN.Contracts"],
        // The storage ports (blobs, queues, metadata) and the repositories over them: what the server side shares.
        ["FedN.Storage"] = ["FedN.Core"],
        ["FedN.Client"] = ["FedN.Contracts"],
        ["FedN.Settings"] = [],
        ["FedN.Security"] = ["FedN.Settings"],
        ["FedN.Dashboard"] = [],
        ["FedN.Orchestration"] = ["FedN.Contracts"],
        ["FedN.Orchestration.Local"] = ["FedN.Orchestration", "FedN.Storage"],
        ["FedN.Orchestration.DurableTask"] = ["FedN.Orchestration"],
        ["FedN.Orchestration.AzureStorage"] = ["FedN.Orchestration.DurableTask"],
        ["FedN.Reducer"] = ["FedN.Orchestration", "FedN.Storage"],
        ["FedN.Storage.Embedded"] = ["FedN.Storage"],
        ["FedN.Storage.Azure"] = ["FedN.Storage", "FedN.Settings"],
        ["FedN.Channel"] = ["FedN.Storage", "FedN.Security"],
        ["FedN.Channel.Local"] = ["FedN.Channel"],
        ["FedN.Channel.Azure"] = ["FedN.Channel", "Azure.Messaging.WebPubSub"],
        ["FedN.Api"] = ["FedN.Reducer", "FedN.Channel", "FedN.Security"],
        ["FedN.Hosting"] = ["FedN.Storage.Embedded", "FedN.Storage.Azure", "FedN.Security", "FedN.Api"],
        ["FedN.Server"] = ["FedN.Api", "FedN.Dashboard", "FedN.Hosting", "FedN.Channel.Local", "FedN.Orchestration.Local", "FedN.Orchestration.AzureStorage"],
        ["FedN.Functions"] = ["FedN.Hosting", "FedN.Channel.Azure", "FedN.Dashboard", "FedN.Orchestration.DurableTask", "Microsoft.Azure.Functions.Worker.Extensions.WebPubSub"],
        // The deployment writes the settings the hosts read (their names from FedN.Settings) and describes the Cosmos containers.
        ["FedN.Infrastructure"] = ["FedN.Settings", "FedN.Storage.Azure", "FedN.Security"],
        ["FedN.Provisioning"] = ["FedN.Infrastructure", "Pulumi", "Pulumi.AzureNative"],
        // The CLI runs the server ('fedn server') and the demo; the demo hosts a server of its own.
        ["FedN.Cli"] = ["FedN.Core", "FedN.Security", "FedN.Server", "FedN.Client", "FedN.Examples.Mnist"],
        ["FedN.Examples.Mnist"] = ["FedN.Client", "FedN.Server"],
        // The PyTorch CNN in TorchSharp: the MNIST data and split, and (through them) the SDK and the model format.
        ["FedN.Examples.TorchSharp"] = ["FedN.Examples.Mnist", "TorchSharp-cpu"],
    };

    private static readonly string[] ProductionFolders = ["core", "client-sdk", "server", "durable-orchestrations", "functions", "infra", "examples"];

    [Fact]
    public void Every_project_reference_is_in_the_allowed_graph()
    {
        var actual = References();
        var unknown = actual.Keys.Where(project => !Allowed.ContainsKey(project)).ToList();
        var outside = actual.SelectMany(p => p.Value.Where(target => !(Allowed.TryGetValue(p.Key, out var allowed) && allowed.Contains(target))).Select(target => $"{p.Key} -> {target}")).ToList();
        var gone = Allowed.Keys.Where(project => !actual.ContainsKey(project)).ToList();

        Assert.True(unknown.Count == 0, $"projects not in the graph (add them to {nameof(Allowed)}, with what they may reference): {string.Join(", ", unknown)}");
        Assert.True(outside.Count == 0, $"references outside the allowed graph:\n{string.Join('\n', outside)}");
        Assert.True(gone.Count == 0, $"the graph names projects that no longer exist: {string.Join(", ", gone)}");
    }

    [Fact]
    public void The_client_sdk_carries_no_engine_or_server_code()
    {
        var closure = Closure("FedN.Client");
        Assert.Equal(["FedN.Contracts"], closure);
    }

    [Fact]
    public async Task The_client_package_depends_on_the_contracts_and_logging_only()
    {
        // Packs the build CI already made (Release), as 'dotnet pack' would for a release.
        var output = Directory.CreateTempSubdirectory("fedn-pack-").FullName;
        try
        {
            var pack = new ProcessStartInfo("dotnet", ["pack", Path.Combine(RepositoryRoot.Path, "client-sdk", "FedN.Client", "FedN.Client.csproj"), "-c", "Release", "--no-build", "--nologo", "-o", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(pack)!;
            var log = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"dotnet pack failed:\n{log}");

            using var package = ZipFile.OpenRead(Assert.Single(Directory.GetFiles(output, "FedN.Client.*.nupkg")));
            await using var nuspec = await package.Entries.Single(entry => entry.Name == "FedN.Client.nuspec").OpenAsync();
            var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["FedN.Contracts", "Microsoft.Extensions.Logging.Abstractions"], dependencies);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void The_picture_in_docs_architecture_md_is_the_graph() =>
        GeneratedDocs.AssertUpToDate("docs/architecture.md", "project-graph", Mermaid(), "dotnet test tests/FedN.Architecture.Tests");

    /// <summary>The allowed graph as a Mermaid flowchart, each project pointing at what it may use.</summary>
    private static string Mermaid()
    {
        var text = new StringBuilder("```mermaid\nflowchart TD\n");
        foreach (var (project, targets) in Allowed.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var target in targets.Order(StringComparer.Ordinal))
            {
                text.Append($"  {Id(project)}[{project}] --> {Id(target)}[{target}]\n");
            }
        }

        return text.Append("```\n").ToString();
    }

    private static string Id(string project) => project.Replace(".", "_", StringComparison.Ordinal);

    private static List<string> Closure(string project)
    {
        var references = References();
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(references.GetValueOrDefault(project, []));
        while (stack.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var further in references.GetValueOrDefault(next, []))
                {
                    stack.Push(further);
                }
            }
        }

        return [.. seen];
    }

    /// <summary>Each production project's direct project references, by project name.</summary>
    private static Dictionary<string, List<string>> References()
    {
        var projects = ProductionFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        return projects.ToDictionary(
            path => Path.GetFileNameWithoutExtension(path),
            path => XDocument.Load(path).Descendants("ProjectReference")
                .Select(reference => Path.GetFileNameWithoutExtension((string)reference.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList(),
            StringComparer.Ordinal);
    }
}
