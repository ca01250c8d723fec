using System.Runtime.CompilerServices;

namespace FedN.Core.Aggregation;

/// <summary>
/// The arrays weighted sums are kept in, reused from one accumulator to the next in this process.
/// A round allocates model-sized sums twice (the combiner's, then the reducer's), and every round
/// does it again: left to the GC, each new model-sized array arrives before the last one is
/// collected (a 1 GB model peaked at 3.1 GB), and each fresh one costs the kernel a page fault per
/// page. Handed back here when an accumulator is disposed, the next accumulator of the same shape
/// takes them as they are: no new memory and no faults.
/// </summary>
/// <remarks>
/// <para>Arrays come back holding old sums: an accumulator must write an element before it reads
/// it (its written prefix, see <see cref="WeightedSumAccumulator"/>).</para>
/// <para>Free and rented arrays together never exceed the most bytes that were ever rented at once,
/// so keeping arrays never raises the process's peak: when a new shape needs a new array, the
/// oldest free ones of other shapes are left to the GC.</para>
/// <para>A fresh array is not cleared (the kernel's fresh pages are zero anyway, a reused region
/// would be cleared for nothing) and is not advised into transparent huge pages: on the 2-core VMs
/// here a huge-page fault sometimes waits for memory compaction, and faulting 1 GB took 0.11-2.7 s
/// that way against a steady 0.52-0.60 s in 4 kiB pages.</para>
/// </remarks>
internal sealed class AccumulatorArrays
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Array> _free = new();
    private long _freeBytes;
    private long _rentedBytes;
    private long _mostRentedBytes;

    /// <summary>The arrays of this process's accumulators.</summary>
    public static AccumulatorArrays Shared { get; } = new();

    /// <summary>Bytes held in free arrays, waiting for the next accumulator.</summary>
    public long FreeBytes
    {
        get
        {
            lock (_gate)
            {
                return _freeBytes;
            }
        }
    }

    /// <summary>An array of exactly <paramref name="length"/> elements, with arbitrary contents.</summary>
    public T[] Rent<T>(int length) where T : unmanaged
    {
        lock (_gate)
        {
            for (var node = _free.Last; node is not null; node = node.Previous)
            {
                if (node.Value is T[] reused && reused.Length == length)
                {
                    _free.Remove(node);
                    _freeBytes -= BytesOf(reused);
                    Count(BytesOf(reused));
                    return reused;
                }
            }
        }

        var array = GC.AllocateUninitializedArray<T>(length);
        lock (_gate)
        {
            Count(BytesOf(array));

            // Arrays of other shapes that would keep more than the peak in use: left to the GC.
            while (_freeBytes + _rentedBytes > _mostRentedBytes && _free.First is { } oldest)
            {
                _free.RemoveFirst();
                _freeBytes -= Buffer.ByteLength(oldest.Value);
            }
        }

        return array;
    }

    /// <summary>Hands back an array from <see cref="Rent{T}"/>; the caller must not touch it again.</summary>
    public void Return<T>(T[] array) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        lock (_gate)
        {
            var bytes = BytesOf(array);
            _rentedBytes -= bytes;
            _freeBytes += bytes;
            _free.AddLast(array);
        }
    }

    private void Count(long bytes)
    {
        _rentedBytes += bytes;
        _mostRentedBytes = Math.Max(_mostRentedBytes, _rentedBytes);
    }

    private static long BytesOf<T>(T[] array) where T : unmanaged => (long)array.Length * Unsafe.SizeOf<T>();
}
