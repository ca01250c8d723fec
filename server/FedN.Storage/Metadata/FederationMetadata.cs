namespace FedN.Storage.Metadata;

/// <summary>Every kind of FedN record, over one <see cref="IMetadataStore"/>: what the reducer, the API and the dashboard use.</summary>
public sealed class FederationMetadata
{
    /// <summary>Creates the repositories over <paramref name="store"/>.</summary>
    public FederationMetadata(IMetadataStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Sessions = new SessionRepository(store);
        Rounds = new RoundRepository(store);
        Models = new ModelRepository(store);
        Clients = new ClientRepository(store);
        Validations = new ValidationRepository(store);
        Events = new StatusEventRepository(store);
        Nodes = new NodeRepository(store);
        Packages = new PackageRepository(store);
    }

    /// <summary>Sessions.</summary>
    public SessionRepository Sessions { get; }

    /// <summary>Rounds of each session.</summary>
    public RoundRepository Rounds { get; }

    /// <summary>The model trail.</summary>
    public ModelRepository Models { get; }

    /// <summary>Clients.</summary>
    public ClientRepository Clients { get; }

    /// <summary>Validation results.</summary>
    public ValidationRepository Validations { get; }

    /// <summary>The event log.</summary>
    public StatusEventRepository Events { get; }

    /// <summary>The server nodes of a deployment of several.</summary>
    public NodeRepository Nodes { get; }

    /// <summary>Compute packages.</summary>
    public PackageRepository Packages { get; }
}
