namespace FedN.Orchestration;

/// <summary>What clients of engines without a completion notification build from <see cref="IOrchestrationClient.GetInstanceAsync"/>.</summary>
public static class OrchestrationClientExtensions
{
    /// <summary>Reads the instance every <paramref name="interval"/> until it has completed or failed.</summary>
    /// <exception cref="InvalidOperationException">There is no such instance.</exception>
    public static async Task<OrchestrationInstance> PollUntilFinishedAsync(this IOrchestrationClient client, string instanceId, TimeSpan interval, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        while (true)
        {
            var instance = await client.GetInstanceAsync(instanceId, cancellationToken)
                ?? throw new InvalidOperationException($"orchestration instance '{instanceId}' does not exist");
            if (instance.Status != OrchestrationStatus.Running)
            {
                return instance;
            }

            await Task.Delay(interval, time ?? TimeProvider.System, cancellationToken);
        }
    }
}
