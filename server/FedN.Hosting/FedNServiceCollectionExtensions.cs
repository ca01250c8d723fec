using FedN.Api;
using FedN.Channel;
using FedN.Orchestration;
using FedN.Reducer;
using FedN.Reducer.Intake;
using FedN.Security;
using FedN.Storage.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedN.Hosting;

/// <summary>The registrations every FedN host shares, so the local server and the Functions app run the same services.</summary>
public static class FedNServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stores, the metadata repositories, API tokens, client-event handling, the
    /// liveness sweep, the reducer's orchestrators and activities (<see cref="OrchestrationCatalog"/>),
    /// session control and the control-plane API. The host adds what differs between hosts: its
    /// <see cref="IClientHub"/> (the local hub or Azure Web PubSub) and its
    /// <see cref="IOrchestrationClient"/> (the local runner or Durable Functions), which may be scoped.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="stores">The opened stores.</param>
    /// <param name="signingKey">The access tokens' key.</param>
    /// <param name="reducer">The reducer's timings.</param>
    /// <param name="node">This server node's id, in a deployment of several (recorded with each client's connection).</param>
    public static IServiceCollection AddFedN(this IServiceCollection services, FedNStores stores, byte[] signingKey, ReducerOptions reducer, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(reducer);
        var metadata = new FederationMetadata(stores.Metadata);
        var time = reducer.TimeProvider;
        services.AddSingleton(stores);
        services.AddSingleton(metadata);
        services.AddSingleton(stores.Blobs);
        services.AddSingleton(time);
        var revocations = new BlobTokenRevocations(stores.Blobs, time);
        services.AddSingleton<ITokenRevocations>(revocations);
        services.AddSingleton(new AccessTokens(signingKey, time, revocations));
        services.AddSingleton(new ClientReportHandler(stores.Queues, stores.Blobs, metadata, reducer));
        services.AddSingleton(provider => new ClientEventProcessor(
            provider.GetRequiredService<ClientReportHandler>(), metadata, provider.GetRequiredService<ILogger<ClientEventProcessor>>(), time, node));
        services.AddSingleton(provider => new ClientLiveness(metadata, provider.GetRequiredService<ILogger<ClientLiveness>>(), time));
        services.AddSingleton(provider => new OrchestrationCatalog().AddReducer(
            new ReducerStores(stores.Blobs, stores.Queues, metadata, new HubClientChannel(provider.GetRequiredService<IClientHub>())), reducer));
        // Transient: on Azure the orchestration client is bound per request.
        services.AddTransient(provider => new SessionControl(metadata, provider.GetRequiredService<IOrchestrationClient>()));
        services.AddControlPlaneApi();
        return services;
    }
}
