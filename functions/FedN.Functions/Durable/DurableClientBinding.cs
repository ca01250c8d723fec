using FedN.Orchestration;
using FedN.Orchestration.DurableTask;
using Microsoft.DurableTask.Client;

namespace FedN.Functions.Durable;

/// <summary>
/// The Durable client of the current request. Functions hands it to each invocation as a binding,
/// not through dependency injection, so the HTTP trigger sets it here (per request scope) before the
/// API resolves its <see cref="IOrchestrationClient"/>.
/// </summary>
internal sealed class DurableClientBinding
{
    private DurableTaskClient? _client;

    /// <summary>Binds the invocation's client.</summary>
    public void Bind(DurableTaskClient client) => _client = client;

    /// <summary>FedN's orchestration client over the bound Durable client.</summary>
    /// <exception cref="InvalidOperationException">Nothing was bound: the function lacks a <c>[DurableClient]</c> parameter.</exception>
    public IOrchestrationClient OrchestrationClient => new DurableTaskOrchestrationClient(
        _client ?? throw new InvalidOperationException("no Durable client is bound to this request: the HTTP trigger must take a [DurableClient] parameter and bind it"));
}
