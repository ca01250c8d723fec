using Xunit;

namespace FedN.Testing;

/// <summary>
/// Azurite (npm, pinned in the repository's package.json) on free 127.0.0.1 ports with a fresh
/// temporary data directory, for the lifetime of a test class.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _data = Directory.CreateTempSubdirectory("fedn-azurite-").FullName;
    private EmulatorProcess? _azurite;

    /// <summary>Connection string for the well-known development account on this instance.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        (_azurite, var ports) = await EmulatorProcess.StartOnFreePortsAsync("azurite", 3, ports =>
        [
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{ports[0]}", "--queuePort", $"{ports[1]}", "--tablePort", $"{ports[2]}",
            "--location", _data, "--skipApiVersionCheck", "--disableTelemetry", "--silent",
        ]);
        var (blobPort, queuePort, tablePort) = (ports[0], ports[1], ports[2]);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _azurite?.Dispose();
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }
}
