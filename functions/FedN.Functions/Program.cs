using Azure.Core.Serialization;
using Azure.Messaging.WebPubSub;
using FedN.Api;
using FedN.Channel;
using FedN.Channel.Azure;
using FedN.Contracts;
using FedN.Contracts.Messaging;
using FedN.Core;
using FedN.Dashboard;
using FedN.Functions.Durable;
using FedN.Hosting;
using FedN.Orchestration;
using FedN.Reducer;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// FedN on Azure Functions: the same services as the local server (AddFedN), with Azure Web PubSub as
// the client hub and Durable Functions as the orchestration runtime.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

var settings = await AzureHostSettings.FromConfigurationAsync(builder.Configuration);
// Azure Storage issues its own transfer URLs; the base URI only serves the embedded store.
var stores = await FedNStores.OpenAsync(settings.Storage, new Uri("https://localhost/"));
var services = builder.Services;
// FedN's JSON for every payload the worker serializes: the Durable extension takes this serializer for
// orchestration inputs, outputs, events and activity triggers, so history holds what the other engines hold.
services.Configure<WorkerOptions>(worker => worker.Serializer = new JsonObjectSerializer(FedNJson.Options));
services.AddFedN(stores, settings.SigningKey, new ReducerOptions { ReportLimits = LimitSettings.ReportLimits(builder.Configuration) });
// Traces and metrics where FedN:Telemetry:* (or Application Insights' connection string) says; the
// worker's defaults join its invocation spans to the host's, and the Durable extension's to both.
services.AddFedNTelemetry(TelemetrySettings.FromConfiguration(builder.Configuration), "fedn-functions")?.UseFunctionsWorkerDefaults();
services.AddSingleton(new AzureWebPubSubHub(new WebPubSubServiceClient(settings.WebPubSubConnectionString, WebPubSubProtocol.DefaultHub)));
services.AddSingleton<IClientHub>(provider => provider.GetRequiredService<AzureWebPubSubHub>());
services.AddScoped<DurableClientBinding>();
services.AddScoped<IOrchestrationClient>(provider => provider.GetRequiredService<DurableClientBinding>().OrchestrationClient);
services.AddSingleton(provider => new ControlPlaneDispatcher(provider));
services.AddSingleton(DashboardFiles.Bundled());

using var host = builder.Build();
await host.RunAsync();
