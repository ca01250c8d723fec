using System.Globalization;
using System.Text.Json;
using FedN.Storage.Metadata;

namespace FedN.Orchestration.Local;

/// <summary>What kind of step a journal entry completes.</summary>
internal enum StepKind
{
    Activity,
    SubOrchestration,
    Timer,
    ExternalEvent,
    SendEvent,
}

/// <summary>How a step ended, before it is journaled: its result, or the failure its last attempt met, and the inbox event it took.</summary>
internal sealed record StepOutcome(JsonElement? Result, string? ErrorType = null, string? ErrorMessage = null, string? InboxId = null)
{
    public static StepOutcome Failure(string errorType, string errorMessage) => new(null, errorType, errorMessage);
}

/// <summary>One completed step, recorded before the orchestrator sees it, in the order the orchestrator saw it.</summary>
internal sealed record JournalEntry
{
    public string Kind { get; init; } = "journal";

    public required string InstanceId { get; init; }

    public int Generation { get; init; }

    /// <summary>Place in the journal: the order completions were delivered.</summary>
    public int Position { get; init; }

    /// <summary>The step's number in the order the orchestrator scheduled steps.</summary>
    public int Sequence { get; init; }

    public StepKind Step { get; init; }

    public required string Name { get; init; }

    /// <summary>When it was delivered: the orchestrator's current time from then on.</summary>
    public DateTimeOffset Time { get; init; }

    public JsonElement? Result { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The inbox event an event step consumed.</summary>
    public string? InboxId { get; init; }
}

/// <summary>An event raised to an instance and not yet consumed.</summary>
internal sealed record InboxEvent
{
    public string Kind { get; init; } = "inbox";

    public required string InstanceId { get; init; }

    public required string Id { get; init; }

    public required string Name { get; init; }

    public JsonElement? Payload { get; init; }

    public DateTimeOffset RaisedAt { get; init; }
}

internal sealed class InstanceRepository(IMetadataStore store) : MetadataRepository<OrchestrationInstance>(store, MetadataContainers.Orchestrations)
{
    public Task<Versioned<OrchestrationInstance>> CreateAsync(OrchestrationInstance instance, CancellationToken cancellationToken) => CreateCoreAsync(instance, cancellationToken);

    public Task<Versioned<OrchestrationInstance>?> GetAsync(string instanceId, CancellationToken cancellationToken) => GetCoreAsync(Key(instanceId), cancellationToken);

    public IAsyncEnumerable<Versioned<OrchestrationInstance>> ListRunningAsync(CancellationToken cancellationToken) =>
        QueryAllCoreAsync(null, [MetadataFilter.Equal("status", OrchestrationStatus.Running)], cancellationToken);

    protected override MetadataKey KeyOf(OrchestrationInstance record) => Key(record.InstanceId);

    protected override string SortKeyOf(OrchestrationInstance record) => "instance";

    private static MetadataKey Key(string instanceId) => new(instanceId, "instance");
}

internal sealed class JournalRepository(IMetadataStore store) : MetadataRepository<JournalEntry>(store, MetadataContainers.Orchestrations)
{
    /// <exception cref="MetadataAlreadyExistsException">Another runner wrote this position: this one lost the instance.</exception>
    public Task<Versioned<JournalEntry>> AppendAsync(JournalEntry entry, CancellationToken cancellationToken) => CreateCoreAsync(entry, cancellationToken);

    public async Task<List<JournalEntry>> ReadAsync(string instanceId, int generation, CancellationToken cancellationToken)
    {
        List<JournalEntry> entries = [];
        await foreach (var entry in QueryAllCoreAsync(instanceId, [MetadataFilter.Equal("kind", "journal"), MetadataFilter.Equal("generation", generation)], cancellationToken))
        {
            entries.Add(entry.Value);
        }

        return entries;
    }

    public async Task DeleteAsync(string instanceId, int generation, CancellationToken cancellationToken)
    {
        foreach (var entry in await ReadAsync(instanceId, generation, cancellationToken))
        {
            await DeleteCoreAsync(KeyOf(entry), ifMatch: null, cancellationToken);
        }
    }

    protected override MetadataKey KeyOf(JournalEntry record) => new(record.InstanceId, SortKeyOf(record));

    protected override string SortKeyOf(JournalEntry record) => string.Create(CultureInfo.InvariantCulture, $"journal-{record.Generation:D6}-{record.Position:D9}");
}

internal sealed class InboxRepository(IMetadataStore store) : MetadataRepository<InboxEvent>(store, MetadataContainers.Orchestrations)
{
    public Task<Versioned<InboxEvent>> AddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) => CreateCoreAsync(inboxEvent, cancellationToken);

    public async Task<IReadOnlyList<InboxEvent>> ReadAsync(string instanceId, CancellationToken cancellationToken) =>
        [.. (await QueryCoreAsync(instanceId, [MetadataFilter.Equal("kind", "inbox")], descending: false, new PageRequest(MetadataQuery.MaxPageSize), cancellationToken)).Items.Select(item => item.Value)];

    public Task<bool> DeleteAsync(string instanceId, string id, CancellationToken cancellationToken) => DeleteCoreAsync(new MetadataKey(instanceId, id), ifMatch: null, cancellationToken);

    protected override MetadataKey KeyOf(InboxEvent record) => new(record.InstanceId, record.Id);

    protected override string SortKeyOf(InboxEvent record) => record.Id;
}
