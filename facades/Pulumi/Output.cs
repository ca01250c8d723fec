using System.Collections.Immutable;

namespace Pulumi;

/// <summary>Facade of the static Output helpers.</summary>
public static class Output
{
    public static Output<T> Create<T>(T value) => throw Facade.NotSupported();

    public static Output<T> Create<T>(Task<T> value) => throw Facade.NotSupported();

    public static Output<T> CreateSecret<T>(T value) => throw Facade.NotSupported();

    public static Output<T> CreateSecret<T>(Task<T> value) => throw Facade.NotSupported();

    public static Output<string> Format(FormattableString formattableString) => throw Facade.NotSupported();

    public static Output<(T1, T2)> Tuple<T1, T2>(Output<T1> item1, Output<T2> item2) => throw Facade.NotSupported();

    public static Output<(T1, T2)> Tuple<T1, T2>(Input<T1> item1, Input<T2> item2) => throw Facade.NotSupported();

    public static Output<ImmutableArray<T>> All<T>(params Input<T>[] inputs) => throw Facade.NotSupported();
}

/// <summary>Facade of a value that becomes known during the deployment.</summary>
public sealed class Output<T>
{
    private Output() => throw Facade.NotSupported();

    public Output<TU> Apply<TU>(Func<T, TU> func) => throw Facade.NotSupported();

    public Output<TU> Apply<TU>(Func<T, Task<TU>> func) => throw Facade.NotSupported();

    public Output<TU> Apply<TU>(Func<T, Input<TU>?> func) => throw Facade.NotSupported();

    public Output<TU> Apply<TU>(Func<T, Output<TU>?> func) => throw Facade.NotSupported();
}
