using Xunit;

namespace FedN.Testing;

/// <summary>
/// The Cosmos DB emulator <c>@vercel/cosmosdb-server</c> (npm, pinned in the repository's
/// package.json) over HTTPS on a free 127.0.0.1 port, in memory, for the lifetime of a test class.
/// </summary>
public sealed class CosmosEmulatorFixture : IAsyncLifetime
{
    /// <summary>Any base64 key is accepted by the emulator; this one is the documented emulator key.</summary>
    private const string AccountKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
    private EmulatorProcess? _emulator;

    /// <summary>Connection string of this instance.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        (_emulator, var ports) = await EmulatorProcess.StartOnFreePortsAsync("cosmosdb-server", 1, ports => ["-p", $"{ports[0]}", "--host", "127.0.0.1"]);
        var port = ports[0];
        ConnectionString = $"AccountEndpoint=https://127.0.0.1:{port}/;AccountKey={AccountKey};";
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _emulator?.Dispose();
        return Task.CompletedTask;
    }
}
