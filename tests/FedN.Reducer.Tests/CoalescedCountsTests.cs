using FedN.Reducer.Intake;

namespace FedN.Reducer.Tests;

public class CoalescedCountsTests
{
    [Fact]
    public async Task Counts_added_while_one_is_stored_go_together_and_none_is_lost()
    {
        var stored = new List<(string Key, long Amount)>();
        var release = new TaskCompletionSource();
        var counts = new CoalescedCounts<string>(async (key, amount) =>
        {
            lock (stored)
            {
                stored.Add((key, amount));
            }

            if (key == "round-1" && stored.Count == 1)
            {
                await release.Task;
            }
        });

        // The first is stored at once and held there; the next 99 wait for it, then go as one.
        var first = counts.AddAsync("round-1", 1);
        var rest = Enumerable.Range(0, 99).Select(_ => counts.AddAsync("round-1", 1)).ToList();
        var other = counts.AddAsync("round-2", 5);
        await other;
        Assert.False(first.IsCompleted);
        release.SetResult();
        await first;
        await Task.WhenAll(rest);

        Assert.Equal([("round-1", 1L), ("round-2", 5L), ("round-1", 99L)], stored);
    }

    [Fact]
    public async Task Every_caller_of_a_refused_addition_sees_the_refusal_and_later_counts_are_stored()
    {
        var release = new TaskCompletionSource();
        var calls = 0;
        var total = 0L;
        var counts = new CoalescedCounts<int>(async (_, amount) =>
        {
            var call = Interlocked.Increment(ref calls);
            if (call == 1)
            {
                await release.Task;
            }
            else if (call == 2)
            {
                throw new InvalidOperationException("the round has moved on");
            }

            Interlocked.Add(ref total, amount);
        });

        var held = counts.AddAsync(7, 1);
        var refused = new[] { counts.AddAsync(7, 1), counts.AddAsync(7, 1) };
        release.SetResult();
        await held;
        foreach (var task in refused)
        {
            Assert.Equal("the round has moved on", (await Assert.ThrowsAsync<InvalidOperationException>(() => task)).Message);
        }

        await counts.AddAsync(7, 3);
        Assert.Equal(4, total);
    }
}
