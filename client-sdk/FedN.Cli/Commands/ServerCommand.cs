using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FedN.Hosting;
using FedN.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FedN.Cli.Commands;

/// <summary><c>fedn server</c>: the local server in the foreground until Ctrl-C.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data directory (created if missing): embedded stores and signing keys.", DefaultValueFactory = _ => TokenCommands.DefaultDataDirectory };
        var port = new Option<int>("--port") { Description = "The port.", DefaultValueFactory = _ => LocalServerOptions.DefaultPort };
        var host = new Option<string>("--host") { Description = "The address to listen on; 127.0.0.1 keeps the server on this machine, 0.0.0.0 opens it to the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var publicUrl = new Option<string?>("--public-url") { Description = "The address clients reach the server at (when listening on 0.0.0.0 or behind a TLS proxy): model transfer URLs and WebSocket URLs are built on it, and connection tokens are bound to it." };
        var storage = new Option<string>("--storage") { Description = "embedded (default) or azure: Azure Storage and Cosmos DB from FedN__Storage__ConnectionString and FedN__Cosmos__ConnectionString (Azurite and the Cosmos emulator work); on azure the reducer runs on the Durable Task Framework engine (FedN__Durable__*).", DefaultValueFactory = _ => "embedded" };
        storage.AcceptOnlyFromAmong("embedded", "azure");
        var command = new Command("server", "Run the local FedN server: API, client hub, reducer and stores, until Ctrl-C. Restarting it on the same data resumes running sessions.") { data, port, host, publicUrl, storage };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var azure = parse.GetValue(storage) == "azure";
            if (azure && (string.IsNullOrWhiteSpace(configuration[StorageSettings.StorageConnectionStringKey]) || string.IsNullOrWhiteSpace(configuration[StorageSettings.CosmosConnectionStringKey])))
            {
                throw new CliFailure("--storage azure needs FedN__Storage__ConnectionString and FedN__Cosmos__ConnectionString (for Azurite: UseDevelopmentStorage=true)");
            }

            if (!azure)
            {
                configuration[StorageSettings.StorageConnectionStringKey] = null;
                configuration[StorageSettings.CosmosConnectionStringKey] = null;
            }

            // HTTPS when a certificate is configured (FedN__Tls__CertificatePath, docs/security.md).
            var scheme = string.IsNullOrWhiteSpace(configuration[$"{TlsSettings.Section}:CertificatePath"]) ? "http" : "https";
            var listen = new Uri($"{scheme}://{parse.GetValue(host)}:{parse.GetValue(port)}/");
            var options = new LocalServerOptions
            {
                ListenUri = listen,
                PublicUri = parse.GetValue(publicUrl) is { } url ? new Uri(url) : null,
                DataDirectory = parse.GetValue(data)!,
            };
            await using var app = await LocalServer.BuildAsync(options, configuration, cancellationToken: ct);
            await app.StartAsync(ct);
            await Console.Error.WriteLineAsync($"fedn: serving on {listen} (API {listen}api/v1, OpenAPI {listen}api/v1/openapi.json, hub {listen.ToString().Replace("http", "ws", StringComparison.Ordinal)}client/hubs/fedn); Ctrl-C stops");
            // Until Ctrl-C, or until the server stops by itself because a part of it died.
            var stopping = new TaskCompletionSource();
            using (app.Lifetime.ApplicationStopping.Register(stopping.SetResult))
            {
                await Task.WhenAny(Task.Delay(Timeout.Infinite, ct), stopping.Task);
            }

            var failure = app.Services.GetRequiredService<ServerHealth>().Failure;
            var waitsFor = ServerShutdown.Describe(app.Services);
            await Console.Error.WriteLineAsync(failure is null
                ? $"fedn: stopping: {waitsFor} (running sessions resume when the server starts again)"
                : $"fedn: {failure}; the server stops: {waitsFor} (running sessions resume when it starts again)");
            var stoppingFor = Stopwatch.StartNew();
            await app.StopAsync(CancellationToken.None);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"fedn: stopped in {stoppingFor.Elapsed.TotalSeconds:0.0} s"));
            if (failure is not null)
            {
                throw new CliFailure(failure.ToString());
            }
        }));
        return command;
    }
}
