namespace FedN.Core.Aggregation;

/// <summary>How a partial will be used, so that it can be built the cheaper way.</summary>
public sealed record PartialOptions
{
    /// <summary>The options of a partial fed as its inputs arrive (a combiner).</summary>
    public static PartialOptions Streaming { get; } = new();

    /// <summary>The options of a partial given all of its inputs at once (<see cref="OneShot"/>).</summary>
    public static PartialOptions AllAtOnce { get; } = new() { OneShot = true };

    /// <summary>
    /// Every input comes in one call, before the result is read: a reducer merging the combiners'
    /// partials, an aggregation of local files. The partial may then check only each input's
    /// header when it is added, and fold the data while the result is written, tile by tile
    /// across all inputs, so that it never holds a model-sized sum (no fresh gigabyte for a
    /// gigabyte model, which a fresh process pays for in page faults). A bad value found in an
    /// input's data then fails the write with an <see cref="InvalidDataException"/> naming the
    /// input, instead of coming back as a rejection from the add.
    /// </summary>
    public bool OneShot { get; init; }
}
