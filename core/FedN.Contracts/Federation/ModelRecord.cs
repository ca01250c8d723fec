namespace FedN.Contracts.Federation;

/// <summary>A model on the trail: a seed (no parent) or a global model committed by a round.</summary>
public sealed record ModelRecord
{
    /// <summary>The model's id.</summary>
    public required string Id { get; init; }

    /// <summary>The model it was aggregated from; <see langword="null"/> for a seed.</summary>
    public string? ParentId { get; init; }

    /// <summary>The session that committed it; <see langword="null"/> for a seed.</summary>
    public string? SessionId { get; init; }

    /// <summary>The round that committed it.</summary>
    public int? Round { get; init; }

    /// <summary>Where its safetensors file is in the blob store.</summary>
    public required string BlobPath { get; init; }

    /// <summary>The file's size.</summary>
    public long SizeBytes { get; init; }

    /// <summary>The file's SHA-256 (lowercase hex), checked before the model is served or used; clients can check their download against it.</summary>
    public string? Sha256 { get; init; }

    /// <summary>A note for people (for example the seed's origin).</summary>
    public string? Description { get; init; }

    /// <summary>When it was stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
