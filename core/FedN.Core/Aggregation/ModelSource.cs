using FedN.Core.Safetensors;

namespace FedN.Core.Aggregation;

/// <summary>
/// A model file (global model, client update, partial aggregate or optimizer state) that can be
/// opened, and opened again: aggregation streams it and may need to re-read it, so a source is a
/// way to open the bytes, not the bytes themselves.
/// </summary>
public sealed class ModelSource
{
    private readonly Func<CancellationToken, ValueTask<SafetensorsReader>> _open;

    /// <summary>Creates a source from an opener.</summary>
    /// <param name="id">Who or what the model comes from (a client id, a shard id, a path); used in results and errors.</param>
    /// <param name="open">Opens a fresh reader each time it is called.</param>
    public ModelSource(string id, Func<CancellationToken, ValueTask<SafetensorsReader>> open)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(open);
        Id = id;
        _open = open;
    }

    /// <summary>Who or what the model comes from.</summary>
    public string Id { get; }

    /// <summary>
    /// Where the model is kept (a file path, a blob path), so that a later stage in another process
    /// can open it again through <see cref="ReduceContext.Resolve"/>; <see langword="null"/> when
    /// the source cannot be named (a stream in memory).
    /// </summary>
    public string? Location { get; init; }

    /// <summary>A local safetensors file.</summary>
    public static ModelSource FromFile(string path, string? id = null, SafetensorsReadOptions? options = null) =>
        new(id ?? path, _ => ValueTask.FromResult(SafetensorsReader.OpenFile(path, options))) { Location = path };

    /// <summary>Opens a fresh reader over the model.</summary>
    public ValueTask<SafetensorsReader> OpenAsync(CancellationToken cancellationToken = default) => _open(cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Id;
}
