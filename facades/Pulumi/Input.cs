using System.Collections;
using System.Collections.Immutable;

namespace Pulumi;

/// <summary>Facade of a resource input: a plain value or an output.</summary>
public class Input<T>
{
    private protected Input() => throw Facade.NotSupported();

    public static implicit operator Input<T>(T value) => throw Facade.NotSupported();

    public static implicit operator Input<T>(Output<T> value) => throw Facade.NotSupported();

    public static implicit operator Output<T>(Input<T> input) => throw Facade.NotSupported();
}

/// <summary>Facade of an input that takes either of two types (strings or an enum, in Azure Native).</summary>
public sealed class InputUnion<T0, T1> : Input<Union<T0, T1>>
{
    public InputUnion() => throw Facade.NotSupported();

    public static implicit operator InputUnion<T0, T1>(T0 value) => throw Facade.NotSupported();

    public static implicit operator InputUnion<T0, T1>(T1 value) => throw Facade.NotSupported();

    public static implicit operator InputUnion<T0, T1>(Output<T0> value) => throw Facade.NotSupported();

    public static implicit operator InputUnion<T0, T1>(Output<T1> value) => throw Facade.NotSupported();
}

/// <summary>Facade of the union value behind <see cref="InputUnion{T0, T1}"/>.</summary>
public readonly struct Union<T0, T1>
{
}

/// <summary>Facade of a list input.</summary>
public sealed class InputList<T> : Input<ImmutableArray<T>>, IEnumerable, IAsyncEnumerable<Input<T>>
{
    public InputList() => throw Facade.NotSupported();

    public void Add(params Input<T>[] inputs) => throw Facade.NotSupported();

    public void AddRange(InputList<T> inputs) => throw Facade.NotSupported();

    IEnumerator IEnumerable.GetEnumerator() => throw Facade.NotSupported();

    public IAsyncEnumerator<Input<T>> GetAsyncEnumerator(CancellationToken cancellationToken = default) => throw Facade.NotSupported();

    public static implicit operator InputList<T>(T value) => throw Facade.NotSupported();

    public static implicit operator InputList<T>(T[] values) => throw Facade.NotSupported();

    public static implicit operator InputList<T>(List<T> values) => throw Facade.NotSupported();

    public static implicit operator InputList<T>(ImmutableArray<T> values) => throw Facade.NotSupported();

    public static implicit operator InputList<T>(Output<T[]> values) => throw Facade.NotSupported();

    public static implicit operator InputList<T>(Output<ImmutableArray<T>> values) => throw Facade.NotSupported();
}

/// <summary>Facade of a map input.</summary>
public sealed class InputMap<TV> : Input<ImmutableDictionary<string, TV>>, IEnumerable, IAsyncEnumerable<Input<KeyValuePair<string, TV>>>
{
    public InputMap() => throw Facade.NotSupported();

    public void Add(string key, Input<TV> value) => throw Facade.NotSupported();

    public Input<TV> this[string key] { set => throw Facade.NotSupported(); }

    IEnumerator IEnumerable.GetEnumerator() => throw Facade.NotSupported();

    public IAsyncEnumerator<Input<KeyValuePair<string, TV>>> GetAsyncEnumerator(CancellationToken cancellationToken = default) => throw Facade.NotSupported();

    public static implicit operator InputMap<TV>(Dictionary<string, TV> values) => throw Facade.NotSupported();

    public static implicit operator InputMap<TV>(ImmutableDictionary<string, TV> values) => throw Facade.NotSupported();

    public static implicit operator InputMap<TV>(Output<ImmutableDictionary<string, TV>> values) => throw Facade.NotSupported();
}
